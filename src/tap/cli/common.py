"""Shared CLI plumbing: consoles, the error edge, exit codes, loading settings files."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from tap.errors import TapError
from tap.offline.config_file import find_example, load_values

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_FAILED = 1  # checks ran and found problems (policy violations, unreachable paths)
EXIT_BAD_INPUT = 2  # settings, phase or argument errors

# Piped output (CI logs, `| less`) gets wide tables instead of rich's 80-column default.
# emoji=False: values such as `arn:...:secret:rds!db-...` contain `:secret:`, which rich would
# otherwise print as an emoji; values interpolated into markup go through `escape`.
out = Console(width=None if sys.stdout.isatty() else 200, emoji=False)
err = Console(stderr=True, emoji=False)

P = ParamSpec("P")
R = TypeVar("R")


def handles_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """The one place a TapError becomes a message and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except TapError as exc:
            from tap.cli.edge import Failure, report

            report(Failure(str(exc), exc.exit_code))
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def settings_values(config: Path | None, phase: str | None = None) -> dict[str, object]:
    values = load_values(config or find_example())
    if phase is not None:
        values["migrationPhase"] = phase
    return values


def confirm(question: str, yes: bool, refused: type[TapError]) -> None:
    """Ask on a terminal; without one, refuse (as `refused`, the command's input error) unless
    --yes was passed."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise refused(f"{question} needs confirmation; pass --yes for non-interactive runs")
    typer.confirm(question, abort=True)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, sort_keys=True, default=str))


ConfigOption = typer.Option(
    None,
    "--config",
    "-c",
    help="Stack settings file (default: Pulumi.example.yaml here or above).",
    exists=True,
    dir_okay=False,
)
