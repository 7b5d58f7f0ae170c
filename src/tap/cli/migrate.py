"""`tap migrate`: the traffic-shift controller's commands. Parsing and printing only; the logic
lives in tap.migration. Full reference: docs/controller.md."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tap.aws_clients import AwsClients
from tap.cli.common import ConfigOption, err, handles_errors, out, print_json, settings_values
from tap.cli.db import AccountOpt, DevSecretOpt, DialectOpt
from tap.migration.aws_faults import AwsFailure, AwsUnavailable
from tap.migration.budget import MigrationPlan, full_plan
from tap.migration.clock import SystemClock
from tap.migration.controller import BakeTick, Controller, RunReport, StatusView
from tap.migration.deployment import DEFAULT_OUTPUTS, REQUIRED, Deployment
from tap.migration.errors import MigrationError, MigrationInputError
from tap.migration.status import StatusIncomplete
from tap.migration.wiring import ApplierName, build_controller
from tap.phases import PHASE_NAMES, Phase, parse_phase
from tap.replication.dialects import DialectName
from tap.replication.gate import DatabaseAccess
from tap.settings import Settings, parse

P = ParamSpec("P")
R = TypeVar("R")

migrate_app = typer.Typer(
    name="migrate",
    help=(
        "Shift traffic from dev (blue) to production (green) one gated, baked step at a time: "
        "0 -> 10 -> 50 -> 100 %, with automatic rollback, a lock and history in DynamoDB. "
        "Exit codes: 0 ok; 1 a step failed; 2 bad input or over the 15-minute rollback budget; "
        "3 a gate refused or the step rolled back; 4 another controller holds the lock; "
        "5 paused or interrupted (Ctrl-C), a human must look."
    ),
    no_args_is_help=True,
)

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


def no_aws_tracebacks(fn: Callable[P, R]) -> Callable[P, R]:
    """The controller handles the AWS failures it expects; anything boto3 raises past it still
    becomes a one-line message naming the failure class (exit 1), never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except AwsFailure as exc:
            raise AwsUnavailable(f"tap migrate {fn.__name__.removesuffix('_command')}", exc) from exc

    return wrapper


def _settings(config: Path | None) -> Settings:
    return parse(settings_values(config))


def _controller(
    settings: Settings,
    outputs: Path,
    stack: str | None,
    work_dir: Path,
    applier: ApplierName = ApplierName.PULUMI,
    *,
    reconcile: bool = True,
    needs_stack: bool = False,
    progress: Any = None,
    database: DatabaseAccess | None = None,
) -> Controller:
    if needs_stack and not stack:
        raise MigrationInputError(
            "pass --stack NAME (or set PULUMI_STACK): the stack the Pulumi update runs on"
        )
    dep, clients = Deployment.from_file(outputs), AwsClients.from_environment(settings.core.region)
    return build_controller(
        settings,
        dep,
        clients,
        SystemClock(),
        stack_name=stack or "",
        work_dir=work_dir,
        applier=applier,
        reconcile=reconcile,
        progress=progress,
        on_output=lambda line: err.print(line.rstrip(), markup=False, highlight=False),
        switch_probe=database.probe(dep, clients) if database else None,
    )


def _database(secret_arn: str, dialect: DialectName, accounts: list[str]) -> DatabaseAccess | None:
    """How the database gate reaches both servers, or None (the gate then fails closed)."""
    return DatabaseAccess(secret_arn, dialect, tuple(accounts)) if secret_arn else None


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise MigrationInputError(f"{question} needs confirmation; pass --yes for non-interactive runs")
    typer.confirm(question, abort=True)


# -- printing -------------------------------------------------------------------------------------
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


# -- commands -------------------------------------------------------------------------------------
@migrate_app.command("status")
@handles_errors
@no_aws_tracebacks
def status_command(
    config: Path = ConfigOption,
    outputs: Path = OutputsOption,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Offline: the plan and its rollback budget from the settings, no AWS calls."
    ),
    history: int = typer.Option(10, "--history", min=0, help="History rows to show."),
    dev_admin_secret_arn: str = DevSecretOpt,
    dialect: DialectName = DialectOpt,
    app_account: list[str] = AccountOpt,
    as_json: bool = JsonOption,
) -> None:
    """Phase, set vs observed weights, gates, rollback budget, lock and history.

    With --dry-run: the migration plan and its rollback budget from the settings alone. The
    database gate reads both servers when given the same options as `tap db` and `advance`.
    """
    settings = _settings(config)
    if dry_run:
        _status_offline(settings, config, outputs, as_json)
        return
    ctl = _controller(
        settings, outputs, None, Path("."), database=_database(dev_admin_secret_arn, dialect, app_account)
    )
    view = ctl.status(history_rows=history)
    if as_json:
        print_json(view.as_json())
    else:
        show_status(view)
    if view.problems:
        raise StatusIncomplete(view)  # exit 6 / 7 / 2 / 1 by what failed, after printing the rest


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


def _status_offline(settings: Settings, config: Path | None, outputs: Path, as_json: bool) -> None:
    plan = full_plan(settings)
    if outputs.is_file():
        dep, source = Deployment.from_file(outputs), str(outputs)
    else:
        from tap.offline.engine import render
        from tap.outputs import flatten

        with err.status("Rendering the stack offline for its outputs..."):
            dep = Deployment.from_flat(flatten(render(settings_values(config)).outputs))
        source = "offline plan of the settings"
    reads = {k: dep.values.get(k) for k in REQUIRED}
    if as_json:
        print_json(
            {
                **plan.as_json(),
                "outputs_source": source,
                "gate_inputs": reads,
                "missing_outputs": list(dep.missing),
            }
        )
    else:
        show_plan(plan)
        out.print(f"gates read (from {source}):")
        for key, value in reads.items():
            shown = value if value not in (None, "", []) else "[yellow](not in these outputs yet)[/]"
            out.print(f"  {key}: {shown}", highlight=False)
    if not plan.budget.within_limit:
        raise MigrationInputError(f"this plan would be refused: rollback budget {plan.budget.formula()}")


@migrate_app.command("advance")
@handles_errors
@no_aws_tracebacks
def advance_command(
    to: str = typer.Option(
        None,
        "--to",
        help="Advance step by step up to this phase (default: one step). One of: " + ", ".join(PHASE_NAMES),
    ),
    applier: ApplierName = ApplierOption,
    no_reconcile: bool = typer.Option(
        False,
        "--no-reconcile",
        help="With --applier route53: move only the weights, no `pulumi up` (status shows the drift).",
    ),
    config: Path = ConfigOption,
    outputs: Path = OutputsOption,
    stack: str = StackOption,
    work_dir: Path = WorkDirOption,
    reason: str = ReasonOption,
    dev_admin_secret_arn: str = DevSecretOpt,
    dialect: DialectName = DialectOpt,
    app_account: list[str] = AccountOpt,
    dry_run: bool = DryRunOption,
    yes: bool = YesOption,
    as_json: bool = JsonOption,
) -> None:
    """Move one phase forward (or --to a phase, step by step), gated and baked.

    Preflight gates, apply the next phase, verify DNS, bake while watching alarms and 1-minute
    metrics, then record success or roll back on its own. Resumes an interrupted step first.
    The database gate reads both servers, with the same secret and dialect options as `tap db`.
    """
    target = parse_phase(to) if to else None
    settings = _settings(config)
    display = None if as_json else BakeDisplay()
    if no_reconcile and applier != ApplierName.ROUTE53:
        raise MigrationInputError(
            "--no-reconcile = True is not allowed with --applier pulumi: only with route53"
        )
    database = _database(dev_admin_secret_arn, dialect, app_account)
    ctl = _controller(
        settings,
        outputs,
        stack,
        work_dir,
        applier,
        reconcile=not no_reconcile,
        needs_stack=not dry_run and not no_reconcile,
        progress=display,
        database=database,
    )
    if dry_run:
        _show_dry_run(ctl, target, as_json)
        return
    _confirm(f"Advance stack {stack!r}" + (f" to {target.value}" if target else " one step") + "?", yes)
    try:
        report = ctl.advance(target, reason)
    except MigrationError:
        _finish(ctl.last_report, as_json, display)
        raise
    _finish(report, as_json, display)


def _show_dry_run(ctl: Controller, target: Phase | None, as_json: bool) -> None:
    obs = ctl.observe()
    plan = ctl.plan(obs.phase, target)
    gates = (
        [g.as_json() for g in ctl.preflight(obs.phase, plan.steps[0].phase, obs.weights)]
        if plan.steps
        else []
    )
    if as_json:
        print_json({**plan.as_json(), "observed_weights": obs.weights.as_json(), "preflight": gates})
        return
    show_plan(plan)
    out.print(f"preflight of the first step (observed weights {obs.weights.as_json()}):")
    show_gates(gates)


def _finish(report: RunReport | None, as_json: bool, display: BakeDisplay | None) -> None:
    if display is not None:
        display.stop()
    if as_json:
        print_json(report.as_json() if report else None)
    else:
        show_report(report)


@migrate_app.command("rollback")
@handles_errors
@no_aws_tracebacks
def rollback_command(
    config: Path = ConfigOption,
    outputs: Path = OutputsOption,
    stack: str = StackOption,
    work_dir: Path = WorkDirOption,
    reason: str = ReasonOption,
    dry_run: bool = DryRunOption,
    yes: bool = YesOption,
    as_json: bool = JsonOption,
) -> None:
    """Put all traffic back on blue now (Route53, seconds), then reconcile the stack.

    Always wins: a running controller is asked through DynamoDB and, if it does not answer
    within three ticks, the weights are moved anyway.
    """
    settings = _settings(config)
    # No --stack is no reason to refuse: the weights move through Route53 without it, and the
    # reconcile that needs it fails loudly afterwards (exit 1, saying so).
    ctl = _controller(settings, outputs, stack, work_dir)
    if dry_run:
        data = ctl.preview_rollback()
        if as_json:
            print_json(data)
        else:
            out.print(
                f"would roll back {data['phase']} -> {data['rollback_target']}: weights "
                f"{data['observed_weights']} -> {data['weights_after']} via Route53, then "
                f"`pulumi up` of {stack or '(--stack)'} at {data['rollback_target']} "
                f"(phase from {data['phase_source']}, record sets from {data['record_sets_from']})",
                highlight=False,
            )
            for problem in data["problems"]:
                err.print(f"[yellow]warning:[/] {problem}", highlight=False)
        return
    _confirm(f"Roll back stack {stack!r}?", yes)
    try:
        report = ctl.rollback(reason)
    except MigrationError:
        _finish(ctl.last_report, as_json, None)
        raise
    _finish(report, as_json, None)


@migrate_app.command("pause")
@handles_errors
@no_aws_tracebacks
def pause_command(
    config: Path = ConfigOption,
    outputs: Path = OutputsOption,
    reason: str = ReasonOption,
    dry_run: bool = DryRunOption,
    as_json: bool = JsonOption,
) -> None:
    """Hold the current weights until `resume`.

    A baking controller stops at its next tick (exit 5) and `advance` refuses until `resume`.
    Traffic is not moved.
    """
    ctl = _controller(_settings(config), outputs, None, Path("."))
    if dry_run:
        out.print(f"would set the pause flag in {ctl.dep.state_table} (reason: {reason})")
        return
    _finish(ctl.pause(reason), as_json, None)


@migrate_app.command("resume")
@handles_errors
@no_aws_tracebacks
def resume_command(
    config: Path = ConfigOption,
    outputs: Path = OutputsOption,
    reason: str = ReasonOption,
    dry_run: bool = DryRunOption,
    as_json: bool = JsonOption,
) -> None:
    """Clear the pause flag.

    The next `advance` judges the paused phase (a full bake) before moving on.
    """
    ctl = _controller(_settings(config), outputs, None, Path("."))
    if dry_run:
        out.print(f"would clear the pause flag in {ctl.dep.state_table} (reason: {reason})")
        return
    _finish(ctl.resume(reason), as_json, None)
