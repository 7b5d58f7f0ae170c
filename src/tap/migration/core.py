"""What every part of the controller shares: reading the world, the preflight gates, events,
history and the lock lease. `rollback`, `bake`, `advance` and `status` build on it.

Phase meaning comes only from `tap.phases` through `tap.migration.budget`; nothing here
compares phase names.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tap.aws_clients import AwsClients
from tap.migration.appliers import Applied, Applier, OutputSink, Route53Applier
from tap.migration.aws_faults import AwsFailure, describe
from tap.migration.budget import (
    CONTROLLER_TICK_SECONDS,
    MigrationPlan,
    build_plan,
    check_budget,
    checks_database,
    expected_blue,
    retires_old_environment,
    takes_green_traffic,
)
from tap.migration.clock import Clock
from tap.migration.database_gate import database_gate
from tap.migration.deployment import Deployment
from tap.migration.dns import ObservedWeights, read_weights
from tap.migration.errors import MigrationInputError
from tap.migration.gates import (
    AnalysisSpec,
    GateResult,
    Verdict,
    alarms_gate,
    capacity_gate,
    dns_readback_gate,
    health_checks_gate,
    read_deployed_phase,
)
from tap.migration.lease import LeaseHeartbeat
from tap.migration.records import ANNOUNCED, BakeTick, Outcome, RunReport, gates_json
from tap.migration.state_items import HistoryEntry
from tap.migration.store import StateStore
from tap.migration.switch_judgement import SwitchProbe
from tap.phase_plan import PhasePlan, plan_for
from tap.phases import Phase, parse_phase
from tap.settings import Settings

DEFAULT_POLL_SECONDS = CONTROLLER_TICK_SECONDS
# How often the lock lease is extended while `pulumi up` streams output.
RENEW_EVERY_SECONDS = 30


@dataclass(frozen=True)
class Observation:
    phase: Phase
    document: dict[str, Any]
    weights: ObservedWeights


class ControllerCore:
    def __init__(
        self,
        settings: Settings,
        deployment: Deployment,
        clients: AwsClients,
        store: StateStore,
        applier: Applier,
        reconciler: Applier,
        clock: Clock,
        *,
        poll_seconds: int = DEFAULT_POLL_SECONDS,
        latency_stat: str = "p99",
        progress: Callable[[BakeTick], None] | None = None,
        on_output: OutputSink | None = None,
        switch_probe: SwitchProbe | None = None,
    ) -> None:
        self.settings = settings
        self.dep = deployment
        self.clients = clients
        self.store = store
        self.applier = applier
        self.reconciler = reconciler
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.latency_stat = latency_stat
        self.progress = progress
        self.switch_probe = switch_probe
        """Reads both databases for the database gate (None: the gate fails closed)."""
        self._sink = on_output or (lambda _line: None)
        self._last_renew = clock.now()
        self.heartbeat_seconds: float = RENEW_EVERY_SECONDS
        """Real seconds between lease renewals while an applier runs (see `lease`)."""
        self.last_report: RunReport | None = None
        """The report of the latest run, also when it ended in RolledBack or Paused."""
        self.emergency = Route53Applier(clients.client("route53"), deployment, clock)

    # -- reading the world --------------------------------------------------------------------
    def _plan(self, phase: Phase) -> PhasePlan:
        return plan_for(phase, self.settings.fleet_sizes)

    def read_phase(self) -> tuple[Phase, dict[str, Any]]:
        """The deployed phase from the SSM parameter (AWS errors propagate)."""
        try:
            doc = read_deployed_phase(self.clients.client("ssm"), self.dep.phase_parameter)
            return parse_phase(str(doc["phase"])), doc
        except (ValueError, KeyError) as exc:
            raise MigrationInputError(
                f"cannot read the deployed phase from {self.dep.phase_parameter}: {exc}"
            ) from exc

    def observe(self) -> Observation:
        phase, doc = self.read_phase()
        return Observation(phase, doc, read_weights(self.clients.client("route53"), self.dep))

    def _now(self) -> datetime:
        return self.clock.now()

    def _analysis_spec(self) -> AnalysisSpec:
        return AnalysisSpec.from_settings(
            self.settings.monitoring, self.settings.migration.analysis_interval_seconds, self.latency_stat
        )

    def plan(self, current: Phase, target: Phase | None) -> MigrationPlan:
        plan = build_plan(self.settings, current, target)
        check_budget(plan.budget)
        return plan

    # -- gates --------------------------------------------------------------------------------
    def _held_since(self, phase: Phase) -> datetime | None:
        """When `phase` last started holding: its latest `succeeded`, unless a rollback came
        after it (that hold ended; a return by hand since then was never baked or recorded)."""
        for entry in reversed(self.store.history()):
            if entry.outcome == Outcome.ROLLED_BACK:
                return None
            if entry.to_phase == phase.value and entry.outcome == Outcome.SUCCEEDED:
                return datetime.fromisoformat(entry.time)
        return None

    def _window_gate(self, phase: Phase) -> GateResult:
        """Keep the old environment warm: the step that retires it waits out the window."""
        window = self.settings.migration.rollback_window_seconds
        since = self._held_since(phase)
        if since is None:
            return GateResult(
                "rollback-window",
                Verdict.FAIL,
                f"no history shows {phase.value!r} holding since the last rollback; it must hold "
                f"{window} s first, reached through `tap migrate advance` so that its bake is recorded",
            )
        held = (self._now() - since).total_seconds()
        values = {"held_seconds": held, "window_seconds": window}
        if held < window:
            return GateResult(
                "rollback-window",
                Verdict.FAIL,
                f"{phase.value!r} has held {held:.0f} s of the {window} s rollback window; "
                f"the old environment stays warm for {window - held:.0f} s more",
                values,
            )
        return GateResult("rollback-window", Verdict.PASS, f"held {held:.0f} s >= {window} s", values)

    def preflight(self, current: Phase, target: Phase, observed: ObservedWeights) -> list[GateResult]:
        """Read-only checks before a step (also what `advance --dry-run` shows)."""
        before, after = self._plan(current), self._plan(target)
        c = self.clients
        results = [
            dns_readback_gate(observed, expected_blue(before), before.weights.green),
            alarms_gate(c.client("cloudwatch"), self.dep.alarm_names),
        ]
        if retires_old_environment(before, after):
            results.append(self._window_gate(current))
        if takes_green_traffic(after):
            results.append(capacity_gate(c.client("elbv2"), c.client("autoscaling"), self.dep))
            results.append(health_checks_gate(c.client("route53"), self.dep.health_check_ids))
        if checks_database(after):
            results.append(
                database_gate(
                    c.client("ssm"),
                    c.client("cloudwatch"),
                    c.client("route53"),
                    self.dep,
                    self._now(),
                    self.switch_probe,
                )
            )
        return results

    # -- events -------------------------------------------------------------------------------
    def _publish(self, report: RunReport, subject: str, payload: dict[str, Any]) -> bool:
        """Lifecycle events to the alarm topic; a failed publish never stops a rollback."""
        topic = self.dep.alarm_topic_arn
        if topic is None:
            return False
        try:
            self.clients.client("sns").publish(
                TopicArn=topic,
                Subject=subject[:100],
                Message=json.dumps({"source": "tap migrate", **payload}, sort_keys=True, default=str),
            )
        except AwsFailure as exc:
            report.warnings.append(describe(exc, f"could not publish {subject!r} to {topic}"))
            return False
        return True

    def _record(
        self,
        report: RunReport,
        frm: Phase,
        to: Phase,
        outcome: Outcome,
        reason: str,
        gates: list[GateResult] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> HistoryEntry:
        entry = self.store.append(frm.value, to.value, outcome.value, reason, gates_json(gates or []), extra)
        report.events.append(entry.as_json())
        if outcome in ANNOUNCED:
            self._publish(report, f"tap migrate {frm.value} -> {to.value}: {outcome.value}", entry.as_json())
        return entry

    # -- lock plumbing ------------------------------------------------------------------------
    def _renew_if_due(self) -> None:
        if (self._now() - self._last_renew).total_seconds() >= RENEW_EVERY_SECONDS:
            self.store.renew()
            self._last_renew = self._now()

    def _output(self, line: str) -> None:
        self._renew_if_due()  # a long `pulumi up` keeps our lease alive while it streams output
        self._sink(line)

    def _run_applier(self, applier: Applier, plan: PhasePlan) -> Applied:
        """Apply with the lease kept alive however long and quietly the update runs."""
        with LeaseHeartbeat(self.store, self.heartbeat_seconds):
            return applier.apply(plan, self._output)

    def _confirm_lease(self) -> None:
        """After an update and before a verdict: still ours? If another controller took the lock
        meanwhile, it now owns the step (it resumes from the history); judging it here too would
        race it. LockHeld propagates; `advance` leaves the note."""
        self.store.renew()
        self._last_renew = self._now()
