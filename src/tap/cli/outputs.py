"""`tap outputs`: the stack outputs as JSON, flat for the live integration tests, or described."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tap.cli.common import ConfigOption, handles_errors, out, settings_values
from tap.errors import TapError
from tap.outputs.codec import flatten, parse_document, unflatten
from tap.outputs.contract import TYPES
from tap.phases import parse_phase
from tap.provenance import is_offline, mark_offline, strip


def read_stack_outputs(path: Path) -> dict[str, Any]:
    """Outputs as `pulumi stack output --json` writes them (`-` reads standard input; a flat file
    reads the same), decoded and checked against StackOutputs."""
    name = "standard input" if str(path) == "-" else str(path)
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text()
    except OSError as exc:
        raise TapError(f"cannot read stack outputs from {name}: {exc.strerror or exc}") from None
    data = parse_document(text, name)
    if is_offline(data):
        raise TapError(
            f"{name} holds the offline plan's outputs, not a deployed stack's; --from takes "
            "`pulumi stack output --json`"
        )
    missing = sorted(set(TYPES) - set(data))
    if missing:
        raise TapError(
            f"{path} lacks outputs this version of tap defines: {', '.join(missing)} "
            "(is the stack up to date?)"
        )
    return unflatten(data)


def _rendered(phase: str | None, config: Path | None) -> dict[str, Any]:
    from tap.offline.engine import render  # the Pulumi engine: only when rendering offline

    if phase is not None:
        parse_phase(phase)
    return render(settings_values(config, phase)).outputs


def _write(text: str, output: Path, count: int, deployed: bool) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")
    source = "the deployed stack" if deployed else "the OFFLINE plan (not a deployed stack)"
    out.print(f"wrote {count} outputs of {source} to {output}", markup=False, highlight=False)


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
            dir_okay=False,
            allow_dash=True,
            help="Read a deployed stack's `pulumi stack output --json` (a file, or - for standard "
            "input) instead of rendering offline.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Write to this file (parent folders are created), e.g. cfn-outputs/flat-outputs.json.",
        ),
    ] = None,
    describe: bool = typer.Option(
        False, "--describe", help="List every output with its type and description (docs/outputs.md)."
    ),
    config: Path = ConfigOption,
) -> None:
    """Print the stack outputs: offline from the plan (marked `_tap_provenance: offline-plan`, which
    every command that talks to AWS refuses), or from a deployed stack's JSON."""
    if describe:
        from tap.outputs.reference import outputs_table

        typer.echo(outputs_table(), nl=False)
        return
    if stack_json is not None and phase is not None:
        raise TapError("--phase renders offline; it cannot be combined with --from")
    values = read_stack_outputs(stack_json) if stack_json is not None else _rendered(phase, config)
    doc: dict[str, Any] = flatten(values) if flat else dict(values)
    if stack_json is None:
        doc = mark_offline(doc)
    text = json.dumps(doc, indent=2, sort_keys=True)
    if output is None:
        typer.echo(text)
    else:
        _write(text, output, len(strip(values)), deployed=stack_json is not None)
