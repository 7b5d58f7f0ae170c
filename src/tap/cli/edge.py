"""The CLI's one error edge: every failure a user can cause or meet becomes a message and a
documented exit code, never a traceback.

It sits on the root click group (`TapGroup.invoke`), so every command is covered, including
groups registered later (`tap migrate`, `tap db`, `tap preflight`), whether or not a command
also uses `handles_errors`. botocore is imported only when an exception actually has to be
classified, so commands that never talk to AWS do not pay for importing it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

import typer
import typer.core
from typer._click.core import Context  # typer 0.29 vendors click

from tap.errors import TapError

DEBUG_ENV = "TAP_DEBUG"


@dataclass(frozen=True)
class Failure:
    """What the user sees for one exception: a message and an exit code."""

    message: str
    exit_code: int


def classify(exc: BaseException) -> Failure | None:
    """The user-facing failure for an exception, or None when it is not one we know. AWS errors
    go through `tap.aws_errors`, the one classifier the controller uses too."""
    if isinstance(exc, TapError):
        return Failure(str(exc), exc.exit_code)
    import yaml

    if isinstance(exc, yaml.YAMLError):
        return Failure(f"cannot parse YAML: {exc}", 2)
    if "botocore" not in sys.modules:
        return None
    from tap import aws_errors

    if isinstance(exc, aws_errors.AwsFailure):
        return Failure(aws_errors.explain(exc), aws_errors.exit_code(exc))
    return None


def report(failure: Failure) -> None:
    # Plain text: a value such as `arn:...:secret:rds!db-...` must print as given (no markup, no emoji).
    from tap.cli.common import err

    # soft_wrap: no hard line breaks inside paths and commands the user may copy.
    err.print(
        "error: " + failure.message,
        style="bold red",
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=True,
    )


class LazyCommands(dict[str, Any]):
    """A group's command table whose lazy entries are imported on first access (a lookup, or
    iterating values/items), so walkers of `.commands` (the docs, the tests) still see them."""

    def __init__(self, eager: dict[str, Any], lazy: dict[str, tuple[str, str]]) -> None:
        super().__init__(eager)
        self._lazy = {k: v for k, v in lazy.items() if k not in eager}
        for name in self._lazy:
            super().__setitem__(name, None)

    def _load(self, name: str) -> Any:
        import importlib

        import typer.main

        module, attr = self._lazy.pop(name)
        target = getattr(importlib.import_module(module), attr)
        if not isinstance(target, typer.Typer):  # a command function: a one-command app
            single = typer.Typer(add_completion=False)
            single.command(name)(target)
            target = single
        command = typer.main.get_command(target)
        command.name = name
        super().__setitem__(name, command)
        return command

    def __getitem__(self, name: str) -> Any:
        return self._load(name) if name in self._lazy else super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default  # noqa: SIM401 - self.get is this method

    def values(self) -> Any:
        return [self[k] for k in self]

    def items(self) -> Any:
        return [(k, self[k]) for k in self]


class TapGroup(typer.core.TyperGroup):
    """The root group: runs the chosen command inside the error edge. Groups registered in
    `LAZY` are imported only when used or listed: `tap plan` need not import boto3 and the
    Automation API that `tap migrate` needs."""

    LAZY: dict[str, tuple[str, str]] = {}  # name -> (module, its typer.Typer or command function)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(dict(self.commands), self.LAZY)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # usage errors, --help, Ctrl-C
            raise
        except Exception as exc:
            failure = classify(exc)
            if failure is None:
                if os.environ.get(DEBUG_ENV):
                    raise
                failure = Failure(
                    f"unexpected {type(exc).__name__}: {exc} (a bug in tap; run with {DEBUG_ENV}=1 "
                    "for the traceback and report it)",
                    1,
                )
            report(failure)
            raise typer.Exit(failure.exit_code) from None
