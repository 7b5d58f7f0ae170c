"""The options `tap migrate`'s commands share (advance, status, rollback, pause, resume)."""

from __future__ import annotations

from pathlib import Path

import typer

from tap.migration.deployment import DEFAULT_OUTPUTS
from tap.migration.wiring import ApplierName
from tap.phases import PHASE_NAMES

OutputsOption = typer.Option(
    DEFAULT_OUTPUTS,
    "--outputs",
    "-o",
    help="Flat stack outputs (pulumi stack output --json).",
    dir_okay=False,
)
StackOption = typer.Option(
    None, "--stack", "-s", envvar="PULUMI_STACK", help="Pulumi stack the Automation API updates."
)
WorkDirOption = typer.Option(
    Path("."), "--work-dir", help="Pulumi project directory (holds Pulumi.yaml).", file_okay=False
)
DryRunOption = typer.Option(False, "--dry-run", help="Show what would happen; change nothing.")
YesOption = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation (non-interactive runs).")
JsonOption = typer.Option(False, "--json", help="Machine-readable output.")
ApplierOption = typer.Option(
    ApplierName.PULUMI,
    "--applier",
    help="pulumi: Automation API update (default); route53: move the weights directly, "
    "then reconcile the stack.",
)
ReasonOption = typer.Option("operator", "--reason", "-r", help="Recorded in the history and the SNS event.")
ToOption = typer.Option(
    None,
    "--to",
    help="Advance step by step up to this phase (default: one step). One of: " + ", ".join(PHASE_NAMES),
)
NoReconcileOption = typer.Option(
    False,
    "--no-reconcile",
    help="With --applier route53: move only the weights, no `pulumi up` (status shows the drift).",
)
StatusDryRunOption = typer.Option(
    False, "--dry-run", help="Offline: the plan and its rollback budget from the settings, no AWS calls."
)
HistoryOption = typer.Option(10, "--history", min=0, help="History rows to show.")
