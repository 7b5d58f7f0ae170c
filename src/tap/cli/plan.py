"""`tap plan`: render the real program offline and show resources, outputs and diffs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from tap.cli.common import ConfigOption, err, handles_errors, out, print_json, settings_values
from tap.offline.diff import PlanDiff, diff_plans
from tap.offline.engine import render
from tap.offline.plan import Plan
from tap.phases import PHASE_NAMES, parse_phase
from tap.policies.offline import check_plan


def short_type(typ: str) -> str:
    """aws:ec2/securityGroup:SecurityGroup -> ec2.SecurityGroup"""
    parts = typ.split(":")
    if len(parts) == 3:
        return f"{parts[1].split('/')[0]}.{parts[2]}"
    return typ


def render_phase(values: dict[str, object], label: str) -> tuple[Plan, float]:
    started = time.perf_counter()
    with err.status(f"Rendering {label} offline through the mock engine..."):
        plan = render(values)
    return plan, time.perf_counter() - started


def plan_json(plan: Plan, seconds: float) -> dict[str, Any]:
    return {
        "phase": plan.phase.value,
        "render_seconds": round(seconds, 3),
        "resource_count": len(plan.managed),
        "resources": [
            {
                "component": comp,
                "type": r.type,
                "name": r.name,
                "id": r.id,
                "protect": r.protect,
                "read": r.read,
            }
            for comp, rs in plan.by_component().items()
            for r in rs
        ],
        "outputs": plan.outputs,
    }


def show_plan(plan: Plan, seconds: float) -> None:
    out.print(
        f"[bold]tap plan[/] phase [cyan]{plan.phase.value}[/]: "
        f"{len(plan.managed)} resources, {len(plan.outputs)} outputs "
        f"(rendered offline in {seconds:.2f} s)"
    )
    for component, resources in plan.by_component().items():
        table = Table(
            title=f"{component} ({len(resources)})", title_justify="left", show_edge=False, pad_edge=False
        )
        table.add_column("type")
        table.add_column("name")
        table.add_column("id", overflow="fold")
        for r in sorted(resources, key=lambda r: (r.type, r.name)):
            flag = " [yellow](protected)[/]" if r.protect else ""
            table.add_row(short_type(r.type), r.name + flag, r.id)
        out.print(table)
    table = Table(title="outputs", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("name")
    table.add_column("value", overflow="fold")
    for key, value in sorted(plan.outputs.items()):
        table.add_row(key, str(value))
    out.print(table)


def show_diff(diff: PlanDiff, old: str, new: str) -> None:
    c = diff.counts()
    out.print(
        f"[bold]{old} -> {new}[/]: {c['add']} to add, {c['update']} to update, "
        f"{c['remove']} to remove, {len(diff.outputs)} output(s) change"
    )
    marks = {"add": "[green]+[/]", "remove": "[red]-[/]", "update": "[yellow]~[/]"}
    for change in diff.resources:
        out.print(f"  {marks[change.kind]} {short_type(change.type)} {change.name}")
        for f in change.fields:
            out.print(f"      {f.path}: {f.old!r} -> {f.new!r}", highlight=False)
    for f in diff.outputs:
        out.print(f"  [cyan]output[/] {f.path}: {f.old!r} -> {f.new!r}", highlight=False)


@handles_errors
def plan_command(
    phase: str = typer.Option(
        None,
        "--phase",
        "-p",
        help="Phase to render (default: the settings file's). One of: " + ", ".join(PHASE_NAMES),
    ),
    diff_from: str = typer.Option(
        None, "--diff-from", help="Show what changes from this phase to --phase instead of the full plan."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    config: Path = ConfigOption,
) -> None:
    """Render the real Pulumi program offline (no AWS account, no Pulumi CLI)."""
    if phase is not None:
        parse_phase(phase)
    values = settings_values(config, phase)
    if diff_from is not None:
        parse_phase(diff_from)
        old, _ = render_phase(settings_values(config, diff_from), diff_from)
        new, _ = render_phase(values, phase or "the current phase")
        diff = diff_plans(old, new)
        if as_json:
            print_json({"from": old.phase.value, "to": new.phase.value, **diff.as_json()})
        else:
            show_diff(diff, old.phase.value, new.phase.value)
        return
    plan, seconds = render_phase(values, phase or "the current phase")
    # Policy summary (SPEC R14.1): the same rules as `tap verify`, counts only.
    policy = check_plan(plan)
    if as_json:
        print_json({**plan_json(plan, seconds), "policy": policy.as_json()})
    else:
        show_plan(plan, seconds)
        failed = policy.failed_rules()
        colour, passed = ("green" if policy.ok else "red"), len(policy.rules) - len(failed)
        out.print(
            f"[bold]policy[/]: [{colour}]{passed} of {len(policy.rules)} rules passed[/]"
            + (f", failed: {', '.join(failed)} (details: tap verify)" if failed else "")
        )
