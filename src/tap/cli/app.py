"""Assembles the `tap` command from one module per command group."""

from __future__ import annotations

import typer

from tap.cli.cost import cost_command
from tap.cli.db import db_app
from tap.cli.diagram import diagram_command
from tap.cli.local import local_command
from tap.cli.migrate import migrate_app
from tap.cli.outputs import outputs_command
from tap.cli.plan import plan_command
from tap.cli.preflight import preflight_command
from tap.cli.verify import verify_command

app = typer.Typer(
    name="tap",
    help="Plan, verify and run the dev-to-production migration of the payment service.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root() -> None:
    """Exit codes: 0 ok; 1 checks found problems; 2 bad settings, phase or arguments;
    3 a migration gate failed or the step rolled back; 4 another controller holds the lock;
    5 paused: a human must look (inconclusive analysis)."""


app.command("plan")(plan_command)
app.command("outputs")(outputs_command)
app.command("verify")(verify_command)
app.command("cost")(cost_command)
app.command("diagram")(diagram_command)
app.add_typer(migrate_app, name="migrate")
app.command("local")(local_command)
app.command("preflight")(preflight_command)
app.add_typer(db_app, name="db")


def main() -> None:
    app()
