"""Assembles the `tap` command from one module per command group."""

from __future__ import annotations

import typer

from tap import __version__
from tap.cli import help_format
from tap.cli.cost import cost_command
from tap.cli.diagram import diagram_command
from tap.cli.edge import TapGroup
from tap.cli.local import local_command
from tap.cli.migrate import migrate_app
from tap.cli.outputs import outputs_command
from tap.cli.plan import plan_command
from tap.cli.rehearse import rehearse_command
from tap.cli.verify import verify_command

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


app.command("plan")(plan_command)
app.command("outputs")(outputs_command)
app.command("verify")(verify_command)
app.command("cost")(cost_command)
app.command("diagram")(diagram_command)
app.add_typer(migrate_app, name="migrate")
app.command("local")(local_command)
app.command("rehearse")(rehearse_command)


def main() -> None:
    app()
