"""Assembles the `tap` command from one module per command group."""

from __future__ import annotations

import typer

from tap import __version__
from tap.cli import help_format
from tap.cli.edge import TapGroup

help_format.install()

app = typer.Typer(
    name="tap",
    cls=TapGroup,
    help="Plan, verify and run the dev-to-production migration of the payment service.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tap {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Exit codes: 0 ok; 1 checks found problems; 2 bad settings, phase or arguments;
    3 a migration gate failed or the step rolled back; 4 another controller holds the lock;
    5 paused: a human must look (inconclusive analysis); 6 AWS unavailable or refused the call
    (credentials, endpoint, permissions, throttling, AWS-side 5xx); 7 something the command reads
    is not deployed (a resource or parameter does not exist)."""


# Each command's module is imported only when that command runs (or `tap --help` lists them):
# `tap --version` or `tap migrate` need not import Pulumi, `tap plan` need not import boto3.
TapGroup.LAZY.update(
    {
        "plan": ("tap.cli.plan", "plan_command"),
        "outputs": ("tap.cli.outputs", "outputs_command"),
        "verify": ("tap.cli.verify", "verify_command"),
        "cost": ("tap.cli.cost", "cost_command"),
        "diagram": ("tap.cli.diagram", "diagram_command"),
        "migrate": ("tap.cli.migrate.commands", "migrate_app"),
        "local": ("tap.cli.local", "local_command"),
        "rehearse": ("tap.cli.rehearse", "rehearse_command"),
        "preflight": ("tap.cli.preflight", "preflight_command"),
        "db": ("tap.cli.db.commands", "db_app"),
    }
)


def main() -> None:
    app()
