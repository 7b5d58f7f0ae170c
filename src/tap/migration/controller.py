"""The migration controller: one step at a time, gated before, verified after, baked while
watching, rolled back on its own, and recorded in AWS so another laptop can pick it up.

Phase meaning comes only from `tap.phases` (weights, traffic phases, rollback targets) through
`tap.migration.budget`; nothing here compares phase names.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn

from botocore.exceptions import BotoCoreError, ClientError

from tap.aws_clients import AwsClients
from tap.errors import PhaseError, TapError
from tap.migration.appliers import Applied, Applier, OutputSink, Route53Applier
from tap.migration.budget import (
    MigrationPlan,
    bakes,
    build_plan,
    check_budget,
    checks_database,
    expected_blue,
    retires_old_environment,
    rollback_budget,
    takes_green_traffic,
)
from tap.migration.clock import Clock
from tap.migration.deployment import Deployment
from tap.migration.dns import ObservedWeights, read_weights
from tap.migration.errors import (
    ApplyFailed,
    GateFailed,
    Interrupted,
    LockHeld,
    MigrationError,
    MigrationInputError,
    Paused,
    RolledBack,
)
from tap.migration.gates import (
    AnalysisSpec,
    GateResult,
    Verdict,
    alarms_gate,
    analysis_gate,
    capacity_gate,
    database_gate,
    dns_readback_gate,
    health_checks_gate,
    read_deployed_phase,
    worst,
)
from tap.migration.lease import LeaseHeartbeat
from tap.migration.resume import ResumeAction, resume_action
from tap.migration.store import ControlFlag, HistoryEntry, StateStore
from tap.phases import Phase, PhasePlan, TransitionKind, classify_transition, parse_phase, plan_for
from tap.settings import Settings

# History outcomes. OPEN: a phase was entered but not yet judged healthy (resume bakes it).
STARTED, RESUMED, PAUSED, FAILED = "started", "resumed", "paused", "failed"
SUCCEEDED, ROLLED_BACK, RECONCILED = "succeeded", "rolled-back", "reconciled"
REFUSED, NOTE = "refused", "note"
OPEN = (STARTED, RESUMED, PAUSED, FAILED)
IGNORED_FOR_RESUME = (REFUSED, NOTE)

DEFAULT_POLL_SECONDS = 10
# How often the lock lease is extended while `pulumi up` streams output.
RENEW_EVERY_SECONDS = 30


@dataclass(frozen=True)
class Observation:
    phase: Phase
    document: dict[str, Any]
    weights: ObservedWeights


@dataclass(frozen=True)
class BakeTick:
    phase: Phase
    elapsed: float
    total: float
    failures: int
    last: GateResult | None


@dataclass
class RunReport:
    action: str
    start_phase: str
    end_phase: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    rollback: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "start_phase": self.start_phase,
            "end_phase": self.end_phase,
            "events": self.events,
            "rollback": self.rollback,
            "warnings": self.warnings,
        }


def _gates_json(results: list[GateResult]) -> list[dict[str, Any]]:
    return [r.as_json() for r in results]


class Controller:
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

    def observe(self) -> Observation:
        try:
            doc = read_deployed_phase(self.clients.client("ssm"), self.dep.phase_parameter)
            phase = parse_phase(str(doc["phase"]))
        except (ValueError, KeyError) as exc:
            raise MigrationInputError(
                f"cannot read the deployed phase from {self.dep.phase_parameter}: {exc}"
            ) from exc
        return Observation(phase, doc, read_weights(self.clients.client("route53"), self.dep))

    def _now(self) -> datetime:
        return self.clock.now()

    def _analysis_spec(self) -> AnalysisSpec:
        return AnalysisSpec.from_settings(
            self.settings.monitoring, self.settings.migration.analysis_interval_seconds, self.latency_stat
        )

    # -- gates --------------------------------------------------------------------------------
    def _held_since(self, phase: Phase) -> datetime | None:
        """When `phase` last started holding: its latest `succeeded`, unless a rollback came
        after it (that hold ended; a return by hand since then was never baked or recorded)."""
        for entry in reversed(self.store.history()):
            if entry.outcome == ROLLED_BACK:
                return None
            if entry.to_phase == phase.value and entry.outcome == SUCCEEDED:
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
            results.append(database_gate(c.client("ssm"), c.client("cloudwatch"), self.dep, self._now()))
        return results

    # -- events -------------------------------------------------------------------------------
    def _publish(self, report: RunReport, subject: str, payload: dict[str, Any]) -> None:
        """Lifecycle events to the alarm topic; a failed publish never stops a rollback."""
        topic = self.dep.alarm_topic_arn
        if topic is None:
            return
        try:
            self.clients.client("sns").publish(
                TopicArn=topic,
                Subject=subject[:100],
                Message=json.dumps({"source": "tap migrate", **payload}, sort_keys=True, default=str),
            )
        except (ClientError, BotoCoreError) as exc:
            report.warnings.append(f"could not publish {subject!r} to {topic}: {exc}")

    def _record(
        self,
        report: RunReport,
        frm: Phase,
        to: Phase,
        outcome: str,
        reason: str,
        gates: list[GateResult] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> HistoryEntry:
        entry = self.store.append(frm.value, to.value, outcome, reason, _gates_json(gates or []), extra)
        report.events.append(entry.as_json())
        if outcome not in (STARTED, NOTE):
            self._publish(report, f"tap migrate {frm.value} -> {to.value}: {outcome}", entry.as_json())
        return entry

    # -- lock plumbing ------------------------------------------------------------------------
    def _renew_if_due(self) -> None:
        if (self._now() - self._last_renew).total_seconds() >= RENEW_EVERY_SECONDS:
            self.store.renew()
            self._last_renew = self._now()

    def _output(self, line: str) -> None:
        self._renew_if_due()  # a long `pulumi up` keeps our lease alive while it streams output
        self._sink(line)

    # -- advance ------------------------------------------------------------------------------
    def plan(self, current: Phase, target: Phase | None) -> MigrationPlan:
        plan = build_plan(self.settings, current, target)
        check_budget(plan.budget)
        return plan

    def advance(self, target: Phase | None = None, reason: str = "operator") -> RunReport:
        check_budget(rollback_budget(self.settings))
        self.store.acquire()
        self._last_renew = self._now()
        try:
            return self._advance(target, reason)
        except KeyboardInterrupt:
            raise self._stopped("interrupted (Ctrl-C)", Interrupted) from None
        except (ClientError, BotoCoreError) as exc:
            raise self._stopped(f"stopped by an AWS error: {exc}", MigrationError) from exc
        finally:
            self.store.release()

    def _stopped(self, cause: str, kind: type[MigrationError]) -> MigrationError:
        """Ctrl-C or an AWS error mid-step: stop, but leave word. The open step stays open (the
        next `advance` judges it again from the start); what Route53 serves now is recorded,
        announced and printed, because green may be taking traffic that no bake is watching."""
        report = self.last_report or RunReport("advance", "")
        watch = "nothing is watching green now"
        try:
            obs = self.observe()
            if not obs.weights.green:
                watch = "green takes no traffic"
            state = (
                f"the phase parameter says {obs.phase.value}, Route53 serves blue={obs.weights.blue} "
                f"green={obs.weights.green}"
            )
            self._record(report, obs.phase, obs.phase, NOTE, f"{cause}; {state}")
            self._publish(
                report, f"tap migrate stopped at {obs.phase.value}", {"cause": cause, "state": state}
            )
        except (TapError, ClientError, BotoCoreError) as exc:
            state = f"the state could not be read ({exc}); check `tap migrate status`"
        return kind(
            f"{cause}: {state}, and {watch}. Run `tap migrate advance` "
            "to finish and judge the open step, or `tap migrate rollback`"
        )

    def _advance(self, target: Phase | None, reason: str) -> RunReport:
        obs = self.observe()
        report = RunReport("advance", obs.phase.value)
        self.last_report = report
        flag, request = self.store.control()
        if request.active:
            cplan = self._plan(obs.phase)
            in_place = obs.weights.matches(expected_blue(cplan), cplan.weights.green)
            if takes_green_traffic(cplan) or not in_place:
                self._check_rollback_request(report, obs.phase, request)
                raise RolledBack(f"a pending rollback request ({request.reason}, by {request.by}) came first")
            if self.store.take_rollback_request(request) is not None:
                self._record(
                    report,
                    obs.phase,
                    obs.phase,
                    NOTE,
                    f"rollback request already satisfied: {request.reason}",
                )
        if flag.active:
            raise Paused(
                f"the migration is paused ({flag.reason}, by {flag.by} at {flag.time}); "
                "look, then run `tap migrate resume`"
            )
        current = obs.phase
        open_entry = self._open_step()
        resumed = self._resume(report, open_entry, obs) if open_entry is not None else None
        if resumed is not None:
            current = resumed
            if target is None or target == current:
                report.end_phase = current.value
                return report
        steps = self.plan(current, target).steps
        if not steps:
            raise PhaseError(f"{current.value!r} is the last phase: nothing to advance to")
        for step in steps:
            self._step(report, current, step.phase, reason)
            current = step.phase
        report.end_phase = current.value
        return report

    def _open_step(self) -> HistoryEntry | None:
        for entry in reversed(self.store.history()):
            if entry.outcome in IGNORED_FOR_RESUME:
                continue
            return entry if entry.outcome in OPEN else None
        return None

    def _resume(self, report: RunReport, entry: HistoryEntry, obs: Observation) -> Phase | None:
        """Finish a step an earlier controller started (crash, lost laptop, pause). Returns the
        phase it finished, or None when the step never took effect (run it anew, gates and all)."""
        frm, to = parse_phase(entry.from_phase), parse_phase(entry.to_phase)
        action = resume_action(
            self._plan(frm), self._plan(to), obs.phase, obs.weights, failed=entry.outcome == FAILED
        )
        state = f"deployed {obs.phase.value}, weights {obs.weights.as_json()}"
        step = f"step {frm.value} -> {to.value} (entry {entry.seq}, {entry.outcome})"
        if action == ResumeAction.RERUN:
            self._record(report, frm, to, NOTE, f"{step} never took effect ({state}); running it anew")
            return None
        if action == ResumeAction.ROLLBACK:
            # Never push traffic back to green from a state nobody can explain.
            self._rollback(
                report, to, f"{step} found in an unknown state ({state}); rolling back", self._now()
            )
            raise RolledBack(f"an interrupted step to {to.value!r} was found half done and rolled back")
        if action == ResumeAction.JUDGE:
            self._record(report, frm, to, RESUMED, f"{step} found applied ({state}); judging it now")
        else:
            self._record(
                report, frm, to, RESUMED, f"{step} half applied or failed ({state}); applying it again"
            )
            self._apply(report, frm, to)
        self._verify_and_bake(report, frm, to)
        return to

    def _step(self, report: RunReport, current: Phase, target: Phase, reason: str) -> None:
        if classify_transition(current, target) != TransitionKind.ADVANCE:
            raise PhaseError(f"{current.value!r} -> {target.value!r} is not a forward step")
        # Between the steps of `advance --to`: a rollback request or a pause set since the last
        # bake tick is honoured before green gets more traffic, not at the next step's bake.
        flag, request = self.store.control()
        if self._check_rollback_request(report, current, request):
            raise RolledBack(f"rollback requested before {current.value} -> {target.value}")
        if flag.active:
            raise Paused(
                f"paused before {current.value} -> {target.value} ({flag.reason}, by {flag.by}); "
                "look, then run `tap migrate resume`"
            )
        obs = self.observe()
        gates = self.preflight(current, target, obs.weights)
        verdict = worst(gates)
        failing = [g for g in gates if g.verdict != Verdict.PASS]
        detail = "; ".join(f"{g.name}: {g.detail}" for g in failing)
        if verdict == Verdict.FAIL:
            if any(g.name == "dns-readback" and g.verdict == Verdict.FAIL for g in gates):
                detail += (
                    " (the weights differ from the deployed phase: an interrupted rollback or a manual "
                    "change; `tap migrate rollback` puts them back and reconciles the stack)"
                )
            alarm = any(g.name == "alarms" and g.verdict == Verdict.FAIL for g in gates)
            if alarm and takes_green_traffic(self._plan(current)):
                # Fast path: an alarm while green already serves traffic is a rollback, not a refusal.
                self._rollback(report, current, f"preflight: {detail}", self._now())
                raise RolledBack(f"alarm before {target.value!r}: rolled back ({detail})")
            self._record(report, current, target, REFUSED, detail, gates)
            raise GateFailed(f"{current.value} -> {target.value} refused: {detail}")
        if verdict == Verdict.INCONCLUSIVE:
            self.store.set_paused(True, f"inconclusive preflight: {detail}")
            self._record(report, current, target, REFUSED, f"inconclusive, paused: {detail}", gates)
            raise Paused(f"{current.value} -> {target.value} paused, a human must look: {detail}")
        self._record(report, current, target, STARTED, reason, gates)
        self._apply(report, current, target)
        self._verify_and_bake(report, current, target)

    def _run_applier(self, applier: Applier, plan: PhasePlan) -> Applied:
        """Apply with the lease kept alive however long and quietly the update runs."""
        with LeaseHeartbeat(self.store, self.heartbeat_seconds):
            return applier.apply(plan, self._output)

    def _confirm_lease(self, report: RunReport, frm: Phase, to: Phase) -> None:
        """After an update: still ours? If another controller took the lock meanwhile, it now
        owns the step (it resumes from the history); judging it here too would race it."""
        try:
            self.store.renew()
        except LockHeld:
            self._record(
                report,
                frm,
                to,
                NOTE,
                f"lost the migration lock during the step to {to.value}; stopped without judging "
                "it (the lock holder resumes it)",
            )
            raise
        self._last_renew = self._now()

    def _unwatched(self, frm: Phase) -> str:
        """After a failed update: does green serve more than the last judged phase gave it?
        Then it does so with nobody watching, and the operator must hear it now."""
        fplan = self._plan(frm)
        try:
            now = read_weights(self.clients.client("route53"), self.dep)
        except (ClientError, BotoCoreError) as exc:
            return f". The weights could not be read back ({exc}): check them before anything else"
        if now.matches(expected_blue(fplan), fplan.weights.green):
            return f". Route53 still serves the weights of {frm.value} (blue={now.blue} green={now.green})"
        return (
            f". Route53 now serves blue={now.blue} green={now.green} and nothing is watching green: "
            "run `tap migrate advance` to apply the step again and bake it, or `tap migrate rollback`"
        )

    def _apply(self, report: RunReport, frm: Phase, to: Phase) -> None:
        try:
            self._run_applier(self.applier, self._plan(to))
        except ApplyFailed as exc:
            # Recorded as an open step: the next `advance` re-applies it (or rolls back if the
            # failure left the weights somewhere it cannot explain).
            self._record(report, frm, to, FAILED, str(exc))
            raise ApplyFailed(f"{exc}{self._unwatched(frm)}") from exc
        self._confirm_lease(report, frm, to)
        # A `rollback` that could not reach us during the update moved the weights itself and
        # left its request; the update may have moved them again (or, at `complete`, removed
        # the dev record), and a phase without a bake would never look. Honour it now.
        _, request = self.store.control()
        if self._check_rollback_request(report, to, request):
            raise RolledBack(f"rollback requested during the update to {to.value}")

    def _verify_and_bake(self, report: RunReport, frm: Phase, to: Phase) -> None:
        tplan = self._plan(to)
        obs = self.observe()
        checks = [dns_readback_gate(obs.weights, expected_blue(tplan), tplan.weights.green)]
        if obs.phase != to:
            checks.append(
                GateResult(
                    "deployed-phase",
                    Verdict.FAIL,
                    f"the phase parameter says {obs.phase.value!r}, expected {to.value!r}",
                )
            )
        failed = [c for c in checks if c.verdict != Verdict.PASS]
        if failed:
            detail = "; ".join(c.detail for c in failed)
            if takes_green_traffic(tplan) and self._plan(to).rollback_target is not None:
                self._rollback(report, to, f"verification after apply failed: {detail}", self._now())
                raise RolledBack(f"{to.value} did not verify and was rolled back: {detail}")
            self._record(report, frm, to, FAILED, f"did not verify: {detail}", checks)
            raise ApplyFailed(f"{frm.value} -> {to.value} did not verify: {detail}")
        results = list(checks)
        if bakes(tplan):
            results += self._bake(report, frm, to)
        # The verdict is only ours to write while we hold the lock (a laptop that slept past
        # its lease finds another controller judging the step).
        self._confirm_lease(report, frm, to)
        self._record(report, frm, to, SUCCEEDED, "gates held", results)

    def _bake(self, report: RunReport, frm: Phase, to: Phase) -> list[GateResult]:
        """Watch the phase for bakeSeconds: alarms and control items every tick, a metric analysis
        every interval; roll back at once on an alarm or `failureLimit` failed analyses in a row.

        The phase is judged only on a passing latest analysis: when bakeSeconds ends with no
        analysis yet (bake shorter than the interval) or inside a failing streak, the bake goes
        on until an analysis passes or the failure limit rolls back (at most failureLimit more
        intervals)."""
        m = self.settings.migration
        start = self._now()
        total = float(m.bake_seconds)
        next_analysis = float(m.analysis_interval_seconds)
        failures, last = 0, None
        results: list[GateResult] = []
        cw = self.clients.client("cloudwatch")
        while (elapsed := (self._now() - start).total_seconds()) < total or not (last and last.passed):
            remaining = total - elapsed
            self.clock.sleep(min(self.poll_seconds, remaining) if remaining > 0 else self.poll_seconds)
            elapsed = (self._now() - start).total_seconds()
            self._renew_if_due()
            flag, request = self.store.control()
            if self._check_rollback_request(report, to, request):
                raise RolledBack(f"rollback requested during the bake of {to.value}")
            # Alarms before the pause flag: a pause holds the weights, never against a firing alarm.
            alarms = alarms_gate(cw, self.dep.alarm_names)
            if alarms.verdict == Verdict.FAIL:
                detected = self._now()
                self._rollback(report, to, f"alarm during bake: {alarms.detail}", detected, [alarms])
                raise RolledBack(f"{to.value} rolled back: {alarms.detail}")
            if flag.active:
                self._record(report, frm, to, PAUSED, f"paused by {flag.by}: {flag.reason}")
                raise Paused(f"paused during the bake of {to.value}: {flag.reason}")
            if alarms.verdict == Verdict.INCONCLUSIVE:
                # An alarm that vanished or stopped evaluating watches nothing: never bake on.
                self.store.set_paused(True, f"inconclusive alarms: {alarms.detail}")
                self._record(report, frm, to, PAUSED, f"inconclusive alarms: {alarms.detail}", [alarms])
                raise Paused(f"{to.value} paused, a human must look: {alarms.detail}")
            if elapsed >= next_analysis:
                next_analysis += m.analysis_interval_seconds
                last = analysis_gate(cw, self.dep, self._analysis_spec(), self._now())
                results.append(last)
                if last.verdict == Verdict.INCONCLUSIVE:
                    self.store.set_paused(True, f"inconclusive analysis: {last.detail}")
                    self._record(report, frm, to, PAUSED, f"inconclusive analysis: {last.detail}", [last])
                    raise Paused(f"{to.value} paused, a human must look: {last.detail}")
                failures = failures + 1 if last.verdict == Verdict.FAIL else 0
                if failures >= m.analysis_failure_limit:
                    self._rollback(
                        report,
                        to,
                        f"{failures} failed analyses: {last.detail}",
                        self._now(),
                        results[-failures:],
                    )
                    raise RolledBack(
                        f"{to.value} rolled back after {failures} failed analyses: {last.detail}"
                    )
            if self.progress is not None:
                self.progress(BakeTick(to, elapsed, total, failures, last))
        return results

    # -- rollback -----------------------------------------------------------------------------
    def _check_rollback_request(
        self, report: RunReport, current: Phase, seen: ControlFlag | None = None
    ) -> bool:
        request = self.store.take_rollback_request(seen)
        if request is None:
            return False
        self._rollback(report, current, f"requested by {request.by}: {request.reason}", self._now())
        return True

    def _rollback(
        self,
        report: RunReport,
        current: Phase,
        reason: str,
        detected: datetime,
        gates: list[GateResult] | None = None,
    ) -> None:
        """Weights back through Route53 first (seconds), then the stack reconciled to match."""
        target = self._plan(current).rollback_target
        if target is None:
            target = current  # no earlier traffic phase: put the current phase's weights back
        elif classify_transition(current, target) != TransitionKind.ROLLBACK:
            raise PhaseError(f"{target.value!r} is not a rollback target of {current.value!r}")
        tplan = self._plan(target)
        fast = self._plan(current).dev_record
        try:
            if fast:
                insync: float | None = self.emergency.shift(tplan).insync_seconds
            else:
                # The dev record no longer exists (after `complete`): only the stack can recreate
                # it, so the slow path is the only path.
                self._run_applier(self.reconciler, tplan)
                insync = None
        except (ApplyFailed, ClientError, BotoCoreError) as exc:
            self._rollback_unconfirmed(report, current, target, reason, exc)
        observed = read_weights(self.clients.client("route53"), self.dep)
        back = self._now()
        readback = dns_readback_gate(observed, expected_blue(tplan), tplan.weights.green)
        if readback.verdict != Verdict.PASS:
            # e.g. an update still in flight wrote the old weights again: not a rollback yet.
            self._rollback_unconfirmed(
                report, current, target, reason, ApplyFailed(f"weights did not read back: {readback.detail}")
            )
        # Hold here until a human looks: a re-run `advance` (a pipeline retry, another terminal)
        # must not send payments straight back to the fleet that was just rolled back.
        self.store.set_paused(True, f"rolled back {current.value} -> {target.value}: {reason}")
        seconds = (back - detected).total_seconds()
        report.rollback = {
            "from": current.value,
            "to": target.value,
            "reason": reason,
            "detected_at": detected.isoformat(),
            "weights_back_at": back.isoformat(),
            "detection_to_weights_seconds": seconds,
            "insync_seconds": insync,
            "weights": observed.as_json(),
        }
        self._record(
            report,
            current,
            target,
            ROLLED_BACK,
            reason,
            [*(gates or []), readback],
            {"detection_to_weights_seconds": seconds},
        )
        if not fast:
            self._record(report, current, target, RECONCILED, "the stack update recreated the dev record")
            return
        try:
            reconciled: Applied = self._run_applier(self.reconciler, tplan)
        except ApplyFailed as exc:
            self._record(report, current, target, NOTE, f"weights are back; reconcile failed: {exc}")
            raise ApplyFailed(
                f"traffic is back on blue, but the stack was not reconciled to {target.value!r}: "
                f"{exc}; run `tap migrate rollback` again"
            ) from exc
        self._record(report, current, target, RECONCILED, reconciled.detail)

    def _rollback_unconfirmed(
        self, report: RunReport, current: Phase, target: Phase, reason: str, exc: Exception
    ) -> NoReturn:
        """The weight change failed or was never confirmed (e.g. a change stuck in PENDING):
        never reported as a rollback. Recorded, announced, and left as a pending rollback
        request, so the next `advance` (anyone's) finishes the rollback before anything else."""
        tplan = self._plan(target)
        try:
            observed = read_weights(self.clients.client("route53"), self.dep)
            readback = dns_readback_gate(observed, expected_blue(tplan), tplan.weights.green)
        except (ClientError, BotoCoreError) as read_exc:
            readback = GateResult(
                "dns-readback", Verdict.INCONCLUSIVE, f"could not read the weights: {read_exc}"
            )
        self.store.request_rollback(f"unfinished rollback to {target.value}: {reason}")
        self._record(
            report, current, target, NOTE, f"rollback to {target.value} not confirmed: {exc}", [readback]
        )
        self._publish(
            report,
            f"tap migrate {current.value} -> {target.value}: rollback NOT confirmed",
            {"reason": reason, "error": str(exc), "readback": readback.as_json()},
        )
        raise ApplyFailed(
            f"the rollback of {current.value!r} to {target.value!r} is not confirmed: {exc}. "
            f"Route53 lists: {readback.detail}. Run `tap migrate rollback` again (it is idempotent); "
            "until it succeeds, any `advance` finishes this rollback first"
        ) from exc

    def rollback(self, reason: str = "operator", handoff_seconds: float | None = None) -> RunReport:
        """Always wins: with the lock, roll back now; without it, ask the holder through the
        rollback request item and, if it does not take it within `handoff_seconds`, move the
        weights directly (the request stays, so the holder rolls back again when it looks)."""
        handoff = 3 * self.poll_seconds if handoff_seconds is None else handoff_seconds
        try:
            self.store.acquire()
        except LockHeld as held:
            return self._rollback_without_lock(reason, held, handoff)
        except (ClientError, BotoCoreError) as exc:
            self._rollback_without_state(reason, exc)
        self._last_renew = self._now()
        try:
            obs = self.observe()
            report = RunReport("rollback", obs.phase.value)
            self.last_report = report
            self.store.take_rollback_request()
            cplan = self._plan(obs.phase)
            drift = not obs.weights.matches(expected_blue(cplan), cplan.weights.green)
            if cplan.rollback_target is None and not drift:
                raise PhaseError(
                    f"nothing to roll back: {obs.phase.value!r} sends no traffic to green "
                    "and the weights agree with it"
                )
            self._rollback(report, obs.phase, reason, self._now())
            report.end_phase = report.rollback["to"] if report.rollback else obs.phase.value
            return report
        finally:
            self.store.release()

    def _rollback_without_state(self, reason: str, exc: Exception) -> NoReturn:
        """The state table is unusable (throttled for good, permission gone): no lock, no
        history, no request item. Route53 does not need them, so the weights move anyway; the
        stack is not updated without the lock (another controller may be running one)."""
        obs = self.observe()
        report = RunReport("rollback", obs.phase.value)
        self.last_report = report
        target = self._plan(obs.phase).rollback_target or obs.phase
        tplan = self._plan(target)
        try:
            self.emergency.shift(tplan)
        except (ApplyFailed, ClientError, BotoCoreError) as shift_exc:
            raise ApplyFailed(
                f"the state table is unusable ({exc}), and the Route53 rollback to {target.value!r} "
                f"is not confirmed: {shift_exc}"
            ) from shift_exc
        observed = read_weights(self.clients.client("route53"), self.dep)
        if not observed.matches(expected_blue(tplan), tplan.weights.green):
            raise ApplyFailed(
                f"the state table is unusable ({exc}) and the weights did not read back after the "
                f"Route53 change: blue={observed.blue} green={observed.green}; check Route53 now"
            )
        report.rollback = {
            "from": obs.phase.value,
            "to": target.value,
            "reason": reason,
            "weights": observed.as_json(),
        }
        self._publish(
            report,
            f"tap migrate {obs.phase.value} -> {target.value}: weights moved, state table unusable",
            {"reason": reason, "error": str(exc), "weights": observed.as_json()},
        )
        raise ApplyFailed(
            f"traffic is back on blue (Route53 reads back blue={observed.blue} green={observed.green}), "
            f"but the state table could not be used ({exc}): no lock was taken, no history written, "
            f"and the stack was not updated to {target.value!r}. When DynamoDB answers again, run "
            "`tap migrate rollback` again to record it and reconcile the stack"
        ) from exc

    def preview_rollback(self) -> dict[str, Any]:
        """What `rollback` would do now (read-only, for --dry-run)."""
        obs = self.observe()
        target = self._plan(obs.phase).rollback_target or obs.phase
        tplan = self._plan(target)
        return {
            "phase": obs.phase.value,
            "rollback_target": target.value,
            "observed_weights": obs.weights.as_json(),
            "weights_after": {"blue": expected_blue(tplan), "green": tplan.weights.green},
        }

    def _rollback_without_lock(self, reason: str, held: LockHeld, handoff: float) -> RunReport:
        obs = self.observe()
        report = RunReport("rollback", obs.phase.value)
        self.last_report = report
        target = self._plan(obs.phase).rollback_target or obs.phase
        tplan = self._plan(target)
        self.store.request_rollback(reason)
        waited, deadline, taken = 0.0, handoff, False
        while waited < deadline:
            self.clock.sleep(self.poll_seconds)
            waited += self.poll_seconds
            if not taken and not self.store.rollback_request().active:
                # Taken is not done: the holder may die before it moves anything. Give it one
                # more hand-off period to show the weights back, else move them ourselves.
                taken, deadline = True, waited + handoff
            if taken and read_weights(self.clients.client("route53"), self.dep).matches(
                expected_blue(tplan), tplan.weights.green
            ):
                report.end_phase = self.observe().phase.value
                report.warnings.append(
                    f"the running controller ({held.owner}) took the rollback request and moved the weights"
                )
                return report
        if taken:
            report.warnings.append(
                f"{held.owner} took the rollback request but the weights were not back after "
                f"{waited:.0f} s; moving them directly"
            )
        detected = self._now()
        try:
            self.emergency.shift(tplan)
        except (ApplyFailed, ClientError, BotoCoreError) as exc:
            self._rollback_unconfirmed(report, obs.phase, target, reason, exc)
        observed = read_weights(self.clients.client("route53"), self.dep)
        seconds = (self._now() - detected).total_seconds()
        readback = dns_readback_gate(observed, expected_blue(tplan), tplan.weights.green)
        if readback.verdict != Verdict.PASS:
            self._rollback_unconfirmed(
                report,
                obs.phase,
                target,
                reason,
                ApplyFailed(f"weights did not read back: {readback.detail}"),
            )
        self.store.set_paused(True, f"rolled back {obs.phase.value} -> {target.value}: {reason}")
        report.rollback = {
            "from": obs.phase.value,
            "to": target.value,
            "reason": reason,
            "detection_to_weights_seconds": seconds,
            "weights": observed.as_json(),
        }
        self._record(
            report,
            obs.phase,
            target,
            NOTE,
            f"{reason}: lock held by {held.owner}, which did not roll back within {waited:.0f} s; "
            f"weights moved directly, the holder reconciles",
            [readback],
        )
        if taken:
            # The holder consumed the request; leave a new one so whoever holds the lock next
            # reconciles the stack before anything else.
            self.store.request_rollback(f"{reason} (weights moved directly; reconcile)")
        report.end_phase = obs.phase.value
        report.warnings.append(f"weights moved without the lock; {held.owner} will reconcile the stack")
        return report

    # -- pause / resume / status --------------------------------------------------------------
    def pause(self, reason: str) -> RunReport:
        obs = self.observe()
        report = RunReport("pause", obs.phase.value, obs.phase.value)
        self.store.set_paused(True, reason)
        self._record(report, obs.phase, obs.phase, NOTE, f"paused: {reason}")
        self._publish(report, f"tap migrate paused at {obs.phase.value}", {"reason": reason})
        return report

    def resume(self, reason: str) -> RunReport:
        obs = self.observe()
        report = RunReport("resume", obs.phase.value, obs.phase.value)
        self.store.set_paused(False, reason)
        self._record(report, obs.phase, obs.phase, NOTE, f"resumed: {reason}")
        self._publish(report, f"tap migrate resumed at {obs.phase.value}", {"reason": reason})
        return report

    def status(self, history_rows: int = 10) -> dict[str, Any]:
        obs = self.observe()
        cplan = self._plan(obs.phase)
        nxt = cplan.next_phase
        gates = (
            self.preflight(obs.phase, nxt, obs.weights)
            if nxt is not None
            else [alarms_gate(self.clients.client("cloudwatch"), self.dep.alarm_names)]
        )
        holder = self.store.lock_holder()
        flag = self.store.pause_flag()
        budget = rollback_budget(self.settings)
        return {
            "phase": obs.phase.value,
            "next_phase": nxt.value if nxt else None,
            "rollback_target": cplan.rollback_target.value if cplan.rollback_target else None,
            "weights": {
                "set": {"blue": expected_blue(cplan), "green": cplan.weights.green},
                "observed": obs.weights.as_json(),
            },
            "in_sync": obs.weights.matches(expected_blue(cplan), cplan.weights.green),
            "gates": _gates_json(gates),
            "budget": budget.as_json(),
            "budget_formula": budget.formula(),
            "lock": {"owner": holder[0], "seconds_left": holder[1]} if holder else None,
            "paused": {"reason": flag.reason, "by": flag.by, "time": flag.time} if flag.active else None,
            "history": [e.as_json() for e in self.store.history(limit=history_rows)],
        }
