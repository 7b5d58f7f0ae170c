"""`tap migrate`, one module per concern: the options its commands share (options.py), the
controller a command runs on (controller.py), printing (render.py) and the commands
themselves (commands.py). Parsing and printing only; the logic lives in tap.migration."""
