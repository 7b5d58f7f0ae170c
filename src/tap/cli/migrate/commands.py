"""`tap migrate`: the traffic-shift controller's commands. Parsing and printing only; the logic
lives in tap.migration. Full reference: docs/controller.md."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from tap.cli.common import ConfigOption, confirm, err, handles_errors, out, print_json, settings_values
from tap.cli.db.options import AccountOpt, DevSecretOpt, DialectOpt
from tap.cli.migrate.controller import controller, database_access, load_settings, no_aws_tracebacks
from tap.cli.migrate.options import (
    ApplierOption,
    DryRunOption,
    HistoryOption,
    JsonOption,
    NoReconcileOption,
    OutputsOption,
    ReasonOption,
    StackOption,
    StatusDryRunOption,
    ToOption,
    WorkDirOption,
    YesOption,
)
from tap.cli.migrate.render import (
    BakeDisplay,
    show_dry_run,
    show_gate_reads,
    show_plan,
    show_report,
    show_rollback_preview,
    show_status,
)
from tap.migration.budget import full_plan
from tap.migration.controller import Controller, RunReport
from tap.migration.deployment import REQUIRED, Deployment
from tap.migration.errors import MigrationError, MigrationInputError
from tap.migration.status import StatusIncomplete
from tap.migration.wiring import ApplierName
from tap.phases import Phase, parse_phase
from tap.replication.dialects import DialectName
from tap.settings import Settings

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


@migrate_app.command("status")
@handles_errors
@no_aws_tracebacks
def status_command(
    config: Path = ConfigOption,
    outputs: Path = OutputsOption,
    dry_run: bool = StatusDryRunOption,
    history: int = HistoryOption,
    dev_admin_secret_arn: str = DevSecretOpt,
    dialect: DialectName = DialectOpt,
    app_account: list[str] = AccountOpt,
    as_json: bool = JsonOption,
) -> None:
    """Phase, set vs observed weights, gates, rollback budget, lock and history.

    With --dry-run: the migration plan and its rollback budget from the settings alone. The
    database gate reads both servers when given the same options as `tap db` and `advance`.
    """
    settings = load_settings(config)
    if dry_run:
        _status_offline(settings, config, outputs, as_json)
        return
    database = database_access(dev_admin_secret_arn, dialect, app_account)
    ctl = controller(settings, outputs, None, Path("."), database=database)
    view = ctl.status(history_rows=history)
    if as_json:
        print_json(view.as_json())
    else:
        show_status(view)
    if view.problems:
        raise StatusIncomplete(view)  # exit 6 / 7 / 2 / 1 by what failed, after printing the rest


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
        show_gate_reads(source, reads)
    if not plan.budget.within_limit:
        raise MigrationInputError(f"this plan would be refused: rollback budget {plan.budget.formula()}")


@migrate_app.command("advance")
@handles_errors
@no_aws_tracebacks
def advance_command(
    to: str = ToOption,
    applier: ApplierName = ApplierOption,
    no_reconcile: bool = NoReconcileOption,
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
    settings = load_settings(config)
    display = None if as_json else BakeDisplay()
    if no_reconcile and applier != ApplierName.ROUTE53:
        raise MigrationInputError(
            "--no-reconcile = True is not allowed with --applier pulumi: only with route53"
        )
    database = database_access(dev_admin_secret_arn, dialect, app_account)
    ctl = controller(
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
        _dry_run(ctl, target, as_json)
        return
    confirm(
        f"Advance stack {stack!r}" + (f" to {target.value}" if target else " one step") + "?",
        yes,
        MigrationInputError,
    )
    _run(ctl, lambda: ctl.advance(target, reason), as_json, display)


def _dry_run(ctl: Controller, target: Phase | None, as_json: bool) -> None:
    obs = ctl.observe()
    plan = ctl.plan(obs.phase, target)
    gates = (
        [g.as_json() for g in ctl.preflight(obs.phase, plan.steps[0].phase, obs.weights)]
        if plan.steps
        else []
    )
    if as_json:
        print_json({**plan.as_json(), "observed_weights": obs.weights.as_json(), "preflight": gates})
    else:
        show_dry_run(plan, obs.weights.as_json(), gates)


def _run(ctl: Controller, step: Callable[[], RunReport], as_json: bool, display: BakeDisplay | None) -> None:
    """Run the step and print its report; on failure the report of what was done, then the
    error (the edge turns it into a message and an exit code)."""
    try:
        report = step()
    except MigrationError:
        _finish(ctl.last_report, as_json, display)
        raise
    _finish(report, as_json, display)


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
    settings = load_settings(config)
    # No --stack is no reason to refuse: the weights move through Route53 without it, and the
    # reconcile that needs it fails loudly afterwards (exit 1, saying so).
    ctl = controller(settings, outputs, stack, work_dir)
    if dry_run:
        data = ctl.preview_rollback()
        if as_json:
            print_json(data)
        else:
            show_rollback_preview(data, stack)
        return
    confirm(f"Roll back stack {stack!r}?", yes, MigrationInputError)
    _run(ctl, lambda: ctl.rollback(reason), as_json, None)


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
    ctl = controller(load_settings(config), outputs, None, Path("."))
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
    ctl = controller(load_settings(config), outputs, None, Path("."))
    if dry_run:
        out.print(f"would clear the pause flag in {ctl.dep.state_table} (reason: {reason})")
        return
    _finish(ctl.resume(reason), as_json, None)
