"""`tap db`, one module per concern: the options its commands share, some also with `tap
migrate` (options.py), the switch context a command runs on (context.py) and the commands
themselves (commands.py). Parsing and printing only; the logic lives in tap.replication."""
