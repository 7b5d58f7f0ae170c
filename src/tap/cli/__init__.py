"""The `tap` command. This package only parses arguments and prints; the work is done in
plain modules that raise `TapError`, which the error edge (`tap.cli.edge`) turns into a message
and an exit code."""

from tap.cli.app import app, main

__all__ = ["app", "main"]
