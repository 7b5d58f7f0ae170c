"""`tap plan`: render the real program offline and show resources, outputs and diffs.

Renders go through `tap.cli.render_cache` (see there for what its key covers): a repeated
`tap plan` with nothing changed reads the plan instead of importing pulumi_aws again, and says
so in the header line and in `--json` (`cache.hit`). `--no-cache` always renders.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from tap.cli.common import ConfigOption, err, handles_errors, out, print_json, settings_values
from tap.cli.render_cache import Entry, render_checked
from tap.errors import TapError
from tap.offline.diff import PlanDiff, diff_plans
from tap.offline.plan import Plan
from tap.phases import PHASE_NAMES, parse_phase


def short_type(typ: str) -> str:
    """aws:ec2/securityGroup:SecurityGroup -> ec2.SecurityGroup"""
    parts = typ.split(":")
    if len(parts) == 3:
        return f"{parts[1].split('/')[0]}.{parts[2]}"
    return typ


def render_phase(values: dict[str, object], label: str, use_cache: bool) -> Entry:
    with err.status(f"Rendering {label} offline through the mock engine..."):
        return render_checked(values, use_cache=use_cache)


def cache_json(entry: Entry) -> dict[str, Any]:
    """Says whether the plan was read from the cache (then `render_seconds` is that render's)."""
    return {
        "hit": entry.hit,
        "file": None if entry.path is None else str(entry.path),
        "rendered_at": entry.rendered_at,
    }


def cache_note(entry: Entry) -> str:
    if not entry.hit:
        return f"rendered offline in {entry.render_seconds:.2f} s"
    return (
        f"from the render cache {escape(str(entry.path))}: rendered {entry.rendered_at} "
        f"in {entry.render_seconds:.2f} s; --no-cache renders again"
    )


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
            for comp, rs in sorted(plan.by_component().items())
            for r in sorted(rs, key=lambda r: (r.type, r.name))
        ],
        "outputs": plan.outputs,
    }


def show_plan(entry: Entry) -> None:
    plan = entry.plan
    out.print(
        f"[bold]tap plan[/] phase [cyan]{plan.phase.value}[/]: "
        f"{len(plan.managed)} resources, {len(plan.outputs)} outputs ({cache_note(entry)})",
        soft_wrap=True,  # one line: it may name a path to copy
    )
    # Components by name, as in --json: registration order varies from one render to the next.
    for component, resources in sorted(plan.by_component().items()):
        table = Table(
            title=f"{component} ({len(resources)})", title_justify="left", show_edge=False, pad_edge=False
        )
        table.add_column("type")
        table.add_column("name")
        table.add_column("id", overflow="fold")
        for r in sorted(resources, key=lambda r: (r.type, r.name)):
            flag = " [yellow](protected)[/]" if r.protect else ""
            table.add_row(escape(short_type(r.type)), escape(r.name) + flag, escape(r.id))
        out.print(table)
    table = Table(title="outputs", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("name")
    table.add_column("value", overflow="fold")
    for key, value in sorted(plan.outputs.items()):
        table.add_row(escape(key), escape(str(value)))
    out.print(table)


def shown(value: object) -> str:
    """A diff value as JSON (3 not 3.0, strings quoted), `(none)` for absent."""
    return "(none)" if value is None else json.dumps(value, sort_keys=True, default=str)


def show_diff(diff: PlanDiff, old: str, new: str) -> None:
    c = diff.counts()
    out.print(
        f"[bold]{escape(old)} -> {escape(new)}[/]: {c['add']} to add, {c['update']} to update, "
        f"{c['remove']} to remove, {len(diff.outputs)} output(s) change"
    )
    marks = {"add": "[green]+[/]", "remove": "[red]-[/]", "update": "[yellow]~[/]"}
    for change in diff.resources:
        out.print(f"  {marks[change.kind]} {escape(short_type(change.type))} {escape(change.name)}")
        for f in change.fields:
            out.print(f"      {f.path}: {shown(f.old)} -> {shown(f.new)}", highlight=False, markup=False)
    for f in diff.outputs:
        line = escape(f"{f.path}: {shown(f.old)} -> {shown(f.new)}")
        out.print(f"  [cyan]output[/] {line}", highlight=False)


DiffConfigOption = typer.Option(
    None,
    "--diff-config",
    help="Show what changes from --config (default: the example) to this settings file, at --phase.",
    exists=True,
    dir_okay=False,
)


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
    diff_config: Path = DiffConfigOption,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Render even when the render cache (.tap-cache/) holds this plan."
    ),
    config: Path = ConfigOption,
) -> None:
    """Render the real Pulumi program offline (no AWS account, no Pulumi CLI)."""
    if phase is not None:
        parse_phase(phase)
    values = settings_values(config, phase)
    if diff_from is not None and diff_config is not None:
        raise TapError("--diff-from compares two phases, --diff-config two settings files: pass one")
    if diff_config is not None:
        old = render_phase(values, str(config or "the example settings"), not no_cache).plan
        new = render_phase(settings_values(diff_config, phase), str(diff_config), not no_cache).plan
        diff = diff_plans(old, new)
        if as_json:
            print_json({"from": str(config or "example"), "to": str(diff_config), **diff.as_json()})
        else:
            before = f"{config or 'example'} ({old.phase.value})"
            show_diff(diff, before, f"{diff_config} ({new.phase.value})")
        return
    if diff_from is not None:
        parse_phase(diff_from)
        old = render_phase(settings_values(config, diff_from), diff_from, not no_cache).plan
        new = render_phase(values, phase or "the current phase", not no_cache).plan
        diff = diff_plans(old, new)
        if as_json:
            print_json({"from": old.phase.value, "to": new.phase.value, **diff.as_json()})
        else:
            show_diff(diff, old.phase.value, new.phase.value)
        return
    entry = render_phase(values, phase or "the current phase", not no_cache)
    # Policy summary: the same rules as `tap verify`, counts only.
    policy = entry.policy
    if as_json:
        body = plan_json(entry.plan, entry.render_seconds)
        print_json({**body, "policy": policy, "cache": cache_json(entry)})
    else:
        show_plan(entry)
        failed, rules = policy["rules_failed"], policy["rules"]
        colour = "green" if policy["ok"] else "red"
        out.print(
            f"[bold]policy[/]: [{colour}]{rules - len(failed)} of {rules} rules passed[/]"
            + (f", failed: {', '.join(failed)} (details: tap verify)" if failed else "")
        )
