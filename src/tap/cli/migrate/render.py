"""How `tap migrate` prints: the plan and its budget, gates, history, a run's report, the status
view, the rollback preview, and a progress bar per baked phase. Printing only."""

from __future__ import annotations

from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tap.cli.common import err, out
from tap.migration.budget import MigrationPlan
from tap.migration.controller import BakeTick, RunReport, StatusView


def show_plan(plan: MigrationPlan) -> None:
    table = Table(title=f"migration plan from {plan.current.value}", title_justify="left", show_edge=False)
    for col in ("step", "kind", "blue", "green", "bake", "gates"):
        table.add_column(col)
    for s in plan.steps:
        blue = "removed" if s.blue is None else f"{s.blue}%"
        bake = f"{s.bake_seconds} s" if s.bake_seconds else "-"
        table.add_row(s.phase.value, s.kind.value, blue, f"{s.green}%", bake, ", ".join(s.gates))
    out.print(table)
    show_budget(plan)


def show_budget(plan: MigrationPlan) -> None:
    b = plan.budget
    verdict = "[green]within[/]" if b.within_limit else "[bold red]EXCEEDS[/]"
    out.print(f"rollback budget: {b.formula()} -> {verdict} the limit", highlight=False)
    out.print(f"old environment kept warm for {plan.rollback_window_seconds} s after 100 % before `complete`")


def show_gates(gates: list[dict[str, Any]]) -> None:
    colors = {"pass": "green", "fail": "red", "inconclusive": "yellow"}
    for g in gates:
        color = colors.get(g["verdict"], "white")
        out.print(f"  [{color}]{g['verdict']:>12}[/] {g['gate']}: {g['detail']}", highlight=False)


def show_history(rows: list[dict[str, Any]]) -> None:
    if not rows:
        out.print("history: (empty)")
        return
    table = Table(title="history (newest last)", title_justify="left", show_edge=False)
    for col in ("#", "time", "from", "to", "outcome", "reason"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["seq"]), r["time"], r["from"], r["to"], r["outcome"], r["reason"])
    out.print(table)


def show_report(report: RunReport | None) -> None:
    if report is None:
        return
    end = report.end_phase or report.start_phase
    served = ""
    if report.served is not None:
        served = f" (Route53 serves blue={report.served['blue']} green={report.served['green']})"
    out.print(f"[bold]{report.action}[/]: {report.start_phase} -> {end}{served}", highlight=False)
    for e in report.events:
        out.print(f"  {e['time']} {e['from']} -> {e['to']}: {e['outcome']} ({e['reason']})", highlight=False)
    if report.rollback:
        r = report.rollback
        out.print(
            f"  rollback to {r.to_phase}: weights {r.weights} {r.detection_to_weights_seconds:.1f} s after "
            f"detection (confirmed by {r.confirmed_by}, {r.attempts} attempt(s), "
            f"phase from {r.phase_source})",
            highlight=False,
        )
        for u in r.unrecorded:
            err.print(f"[bold red]not done:[/] {u}", highlight=False)
    for w in report.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)


class BakeDisplay:
    """A rich progress bar per baked phase."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}

    def __call__(self, tick: BakeTick) -> None:
        if tick.phase.value not in self.tasks:
            self.progress.start()
            self.tasks[tick.phase.value] = self.progress.add_task(
                f"baking {tick.phase.value}", total=tick.total, status=""
            )
        last = (
            f"{tick.last.verdict.value}: {tick.last.detail}"
            if tick.last
            else "waiting for the first analysis"
        )
        self.progress.update(
            self.tasks[tick.phase.value], completed=tick.elapsed, status=f"failures {tick.failures} | {last}"
        )

    def stop(self) -> None:
        if self.tasks:
            self.progress.stop()


def show_status(view: StatusView) -> None:
    source = "" if view.phase_source == "ssm" else " [yellow](from the outputs: SSM did not answer)[/]"
    out.print(
        f"[bold]phase[/] [cyan]{view.phase}[/]{source} (next: {view.next_phase}, "
        f"rollback target: {view.rollback_target})"
    )
    w, seen = view.weights_set, view.weights_observed
    sync = {True: "[green]in sync[/]", False: "[bold red]DRIFT[/]", None: "[yellow]unknown[/]"}[view.in_sync]
    observed = f"blue={seen['blue']} green={seen['green']}" if seen else "(not read)"
    out.print(
        f"weights set blue={w['blue']} green={w['green']}, observed {observed}: {sync}", highlight=False
    )
    if view.in_sync is False:
        out.print(
            "  the weights differ from the deployed phase (a `--no-reconcile` advance, an interrupted "
            "rollback or a manual change); `tap migrate rollback` puts them back and reconciles the stack"
        )
    out.print(f"rollback budget: {view.budget.formula()}", highlight=False)
    guard = (
        "armed (alarms roll back in AWS)" if view.guard_armed else "not armed in this phase or not deployed"
    )
    out.print(f"rollback guard: {guard}")
    if view.lock:
        out.print(f"lock held by {view.lock['owner']} ({view.lock['seconds_left']} s left)")
    if view.paused:
        out.print(f"[yellow]paused[/] by {view.paused['by']}: {view.paused['reason']}")
    out.print("gates for the next step:")
    show_gates(view.gates)
    show_history(view.history)
    for p in view.problems:
        err.print(f"[yellow]could not read:[/] {p}", highlight=False)


def show_gate_reads(source: str, reads: dict[str, Any]) -> None:
    """The outputs the gates read, marking the ones these outputs do not hold yet."""
    out.print(f"gates read (from {source}):")
    for key, value in reads.items():
        shown = value if value not in (None, "", []) else "[yellow](not in these outputs yet)[/]"
        out.print(f"  {key}: {shown}", highlight=False)


def show_dry_run(plan: MigrationPlan, observed: dict[str, int | None], gates: list[dict[str, Any]]) -> None:
    show_plan(plan)
    out.print(f"preflight of the first step (observed weights {observed}):")
    show_gates(gates)


def show_rollback_preview(data: dict[str, Any], stack: str | None) -> None:
    out.print(
        f"would roll back {data['phase']} -> {data['rollback_target']}: weights "
        f"{data['observed_weights']} -> {data['weights_after']} via Route53, then "
        f"`pulumi up` of {stack or '(--stack)'} at {data['rollback_target']} "
        f"(phase from {data['phase_source']}, record sets from {data['record_sets_from']})",
        highlight=False,
    )
    for problem in data["problems"]:
        err.print(f"[yellow]warning:[/] {problem}", highlight=False)
