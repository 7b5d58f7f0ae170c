"""`tap diagram`: the architecture diagram of one phase, drawn from the offline plan."""

from __future__ import annotations

from pathlib import Path

import typer

from tap import diagram
from tap.cli.common import ConfigOption, err, handles_errors, settings_values
from tap.offline.engine import render
from tap.phases import PHASE_NAMES, parse_phase

OutputOption = typer.Option(
    None, "--output", help="Write to this file instead of stdout.", dir_okay=False
)


@handles_errors
def diagram_command(
    phase: str = typer.Option(
        None,
        "--phase",
        "-p",
        help="Phase to draw (default: the settings file's). One of: " + ", ".join(PHASE_NAMES),
    ),
    fmt: str = typer.Option(
        "mermaid", "--format", "-f", help="Output format: " + " or ".join(diagram.FORMATS) + "."
    ),
    output: Path = OutputOption,
    config: Path = ConfigOption,
) -> None:
    """Draw the architecture (Mermaid or Graphviz DOT) from the offline plan."""
    if phase is not None:
        parse_phase(phase)
    if fmt not in diagram.FORMATS:
        raise diagram.DiagramError(f"unknown --format {fmt!r}; allowed: {', '.join(diagram.FORMATS)}")
    with err.status("Rendering the plan offline..."):
        plan = render(settings_values(config, phase))
    text = diagram.render(plan, fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output} ({plan.phase.value}, {fmt})")
