"""`tap outputs`: the stack outputs as JSON, flat for the live integration tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from tap.cli.common import ConfigOption, handles_errors, out, settings_values
from tap.errors import TapError
from tap.offline.engine import render
from tap.outputs import StackOutputs, flatten
from tap.phases import parse_phase


def read_stack_outputs(path: Path) -> dict[str, Any]:
    """Outputs as `pulumi stack output --json` writes them, checked against StackOutputs."""
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise TapError(f"cannot read stack outputs from {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise TapError(f"{path}: expected a JSON object of output name -> value")
    missing = sorted(set(StackOutputs.__annotations__) - set(data))
    if missing:
        raise TapError(
            f"{path} lacks outputs this version of tap defines: {', '.join(missing)} "
            "(is the stack up to date?)"
        )
    return data


@handles_errors
def outputs_command(
    flat: bool = typer.Option(
        False,
        "--flat",
        help="Flat JSON: strings stay strings, every other value is JSON-encoded (what the live tests read).",
    ),
    phase: str = typer.Option(None, "--phase", "-p", help="Phase to render offline."),
    stack_json: Annotated[
        Path | None,
        typer.Option(
            "--from",
            exists=True,
            dir_okay=False,
            help="Read a deployed stack's `pulumi stack output --json` instead of rendering offline.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (parent folders are created), e.g. cfn-outputs/flat-outputs.json.",
        ),
    ] = None,
    config: Path = ConfigOption,
) -> None:
    """Print the stack outputs: offline from the plan, or from a deployed stack's JSON."""
    if stack_json is not None and phase is not None:
        raise TapError("--phase renders offline; it cannot be combined with --from")
    if stack_json is not None:
        values = read_stack_outputs(stack_json)
    else:
        if phase is not None:
            parse_phase(phase)
        values = render(settings_values(config, phase)).outputs
    text = json.dumps(flatten(values) if flat else values, indent=2, sort_keys=True)
    if output is None:
        typer.echo(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")
    out.print(f"wrote {len(values)} outputs to {output}")
