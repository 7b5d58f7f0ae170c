"""`tap verify`: the policy rules and the reachability matrix, on the offline plan or on a
deployed stack (`--live`). Exit 1 on any violation or wrong reachability cell."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from tap.cli.common import EXIT_FAILED, ConfigOption, err, handles_errors, out, print_json, settings_values
from tap.live.errors import LiveReadError
from tap.offline.engine import render
from tap.phases import PHASE_NAMES, parse_phase
from tap.policies.evidence import build_report
from tap.policies.evidence_files import write_report
from tap.policies.registry import STACK_RULES
from tap.policies.verify_plan import Verification, verify_plan

if TYPE_CHECKING:
    from tap.live.baseline import BaselineResult

STACK_RULE_NAMES = frozenset(r.name for r in STACK_RULES)


def show_policy(v: Verification) -> None:
    table = Table(title=f"policy rules ({v.source})", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("rule")
    table.add_column("resource", overflow="fold")
    table.add_column("result")
    table.add_column("message", overflow="fold")
    for rule, (passed, failed) in v.report.by_rule().items():
        if failed:
            for f in v.report.violations:
                if f.rule == rule:
                    table.add_row(rule, f.resource, "[red]FAIL[/]", f.message)
        elif rule in STACK_RULE_NAMES:
            table.add_row(rule, "whole stack", "[green]pass[/]", "")
        elif passed:
            table.add_row(rule, f"{passed} checked", "[green]pass[/]", "")
        else:
            table.add_row(rule, "-", "[dim]n/a[/]", "no resource of its types")
    out.print(table)


def show_matrix(v: Verification) -> None:
    table = Table(title="reachability", title_justify="left", show_edge=False, pad_edge=False)
    for col in ("from -> to:port", "expected", "actual", "result"):
        table.add_column(col)
    for c in v.cells:
        table.add_row(c.question, c.expected, c.actual, "[green]ok[/]" if c.ok else "[red]WRONG[/]")
    out.print(table)


def show_baseline(baseline: tuple[BaselineResult, ...]) -> None:
    if not baseline:
        return
    table = Table(title="account baseline", title_justify="left", show_edge=False, pad_edge=False)
    for col in ("check", "status", "what was read"):
        table.add_column(col, overflow="fold")
    for b in baseline:
        colour = "green" if b.ok else "red"
        table.add_row(b.check, f"[{colour}]{b.status.value}[/]", b.detail)
    out.print(table)


def summary(v: Verification, baseline: tuple[BaselineResult, ...] = ()) -> str:
    r = v.report
    checks_failed = len(r.violations)
    return (
        f"{len(r.rules)} rules, {len(r.findings) - checks_failed} checks passed, {checks_failed} failed "
        f"({len(r.failed_rules())} rule(s)); reachability {len(v.cells) - len(v.wrong_cells)}/"
        f"{len(v.cells)} cells as expected"
        + (
            f"; account baseline {sum(b.ok for b in baseline)}/{len(baseline)} present"
            if baseline
            else ""
        )
    )


PhaseOption = typer.Option(
    None,
    "--phase",
    "-p",
    help="Phase to verify offline (default: the settings file's). One of: " + ", ".join(PHASE_NAMES),
)
LiveOption = typer.Option(False, "--live", help="Read the deployed stack through boto3 instead of the plan.")
OutputsOption = typer.Option(
    None,
    "--outputs",
    "-o",
    help="A deployed stack's outputs (`pulumi stack output --json`, or cfn-outputs/flat-outputs.json "
    "written from it by `tap outputs --flat --from -`); with --live.",
    exists=True,
    dir_okay=False,
)
JsonOption = typer.Option(False, "--json", help="Machine-readable output.")
ReportOption = typer.Option(
    None,
    "--report",
    help="Also write a control-by-control compliance report (Markdown and JSON) into this directory.",
    file_okay=False,
)


@handles_errors
def verify_command(
    phase: str = PhaseOption,
    live: bool = LiveOption,
    outputs: Path = OutputsOption,
    as_json: bool = JsonOption,
    config: Path = ConfigOption,
    report: Path = ReportOption,
) -> None:
    """Check every policy rule and the network reachability matrix; with --report, write the
    compliance evidence per FSBP control and PCI DSS requirement."""
    history: list[dict[str, object]] = []
    baseline: tuple[BaselineResult, ...] = ()
    result: Verification
    note = ""
    if live:
        from tap.aws_clients import AwsClients
        from tap.live.verify_live import verify_live

        if phase is not None:
            raise LiveReadError(
                "--phase chooses the phase of the offline plan; --live checks the deployed stack in "
                "whatever phase it is in. Drop --phase, or drop --live to check that phase's plan"
            )
        if outputs is None:
            raise LiveReadError(
                "--live reads resource ids from the stack's flat outputs: pass --outputs FILE "
                "(a deployed stack's `pulumi stack output --json`)"
            )
        with err.status("Reading the deployed stack through the AWS APIs..."):
            clients = AwsClients.from_environment()
            live_result = verify_live(clients, outputs)
            result, baseline = live_result, live_result.baseline
            if report is not None:
                from tap.live.change_evidence import migration_history
                from tap.live.outputs import load_outputs

                history, note = migration_history(clients, load_outputs(outputs))
    else:
        if phase is not None:
            parse_phase(phase)
        with err.status("Rendering the plan offline and checking it..."):
            result = verify_plan(render(settings_values(config, phase)))
    if report is not None:
        evidence = build_report(
            result.report, result.source, history, note, [b.as_json() for b in baseline]
        )
        written = write_report(evidence, report)
        err.print(f"compliance report: {written[0]} and {written[1]}")
    if as_json:
        print_json(result.as_json())
    else:
        show_policy(result)
        show_matrix(result)
        show_baseline(baseline)
        colour = "green" if result.ok else "red"
        out.print(f"[bold {colour}]{'PASS' if result.ok else 'FAIL'}[/]: {summary(result, baseline)}")
    if not result.ok:
        raise typer.Exit(EXIT_FAILED)
