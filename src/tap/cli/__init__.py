"""The `tap` command. This package only parses arguments and prints; the work is done in
plain modules that raise `TapError`, which `common.run` turns into a message and exit code."""

from tap.cli.app import app, main

__all__ = ["app", "main"]
