"""The bake: watch a phase for bakeSeconds, alarms and control items every tick, a metric
analysis every interval. What to do at a tick is `bake_decision` (pure, like `resume_action`);
the loop only reads AWS and acts on the answer."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tap.migration.errors import Paused, RolledBack
from tap.migration.gates import GateResult, Verdict, alarms_gate, analysis_gate
from tap.migration.records import BakeTick, Outcome, RunReport
from tap.migration.rollback_command import RollbackCommands
from tap.migration.state_items import ControlFlag
from tap.phases import Phase


class BakeAction(StrEnum):
    KEEP_BAKING = "keep-baking"
    ROLLBACK_ALARM = "rollback-alarm"
    """An alarm fires: roll back at once (before the pause flag: a pause never holds green
    against a firing alarm)."""
    PAUSE_OPERATOR = "pause-operator"
    PAUSE_ALARMS_INCONCLUSIVE = "pause-alarms-inconclusive"
    """An alarm vanished or stopped evaluating: it watches nothing, never bake on."""
    PAUSE_ANALYSIS_INCONCLUSIVE = "pause-analysis-inconclusive"
    ROLLBACK_ANALYSES = "rollback-analyses"
    """`failure_limit` failed analyses in a row."""


def bake_decision(
    alarms: Verdict, paused: bool, analysis: Verdict | None, failures: int, failure_limit: int
) -> BakeAction:
    """What one tick means. `analysis` is None when no analysis was due at this tick;
    `failures` counts the failed analyses in a row including this one."""
    if alarms == Verdict.FAIL:
        return BakeAction.ROLLBACK_ALARM
    if paused:
        return BakeAction.PAUSE_OPERATOR
    if alarms == Verdict.INCONCLUSIVE:
        return BakeAction.PAUSE_ALARMS_INCONCLUSIVE
    if analysis == Verdict.INCONCLUSIVE:
        return BakeAction.PAUSE_ANALYSIS_INCONCLUSIVE
    if analysis is not None and failures >= failure_limit:
        return BakeAction.ROLLBACK_ANALYSES
    return BakeAction.KEEP_BAKING


class BakeOps(RollbackCommands):
    def _bake(self, report: RunReport, frm: Phase, to: Phase) -> list[GateResult]:
        """Watch the phase; roll back at once on an alarm or `failureLimit` failed analyses.

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
        clean_at = start
        while (elapsed := (self._now() - start).total_seconds()) < total or not (last and last.passed):
            remaining = total - elapsed
            self.clock.sleep(min(self.poll_seconds, remaining) if remaining > 0 else self.poll_seconds)
            elapsed = (self._now() - start).total_seconds()
            self._renew_if_due()
            flag, request = self.store.control()
            if self.perform_requested_rollback(report, to, request):
                raise RolledBack(f"rollback requested during the bake of {to.value}")
            alarms = alarms_gate(cw, self.dep.alarm_names)
            action = bake_decision(alarms.verdict, flag.active, None, failures, m.analysis_failure_limit)
            if action == BakeAction.KEEP_BAKING and elapsed >= next_analysis:
                next_analysis += m.analysis_interval_seconds
                last = analysis_gate(cw, self.dep, self._analysis_spec(), self._now())
                results.append(last)
                failures = failures + 1 if last.verdict == Verdict.FAIL else 0
                action = bake_decision(
                    alarms.verdict, flag.active, last.verdict, failures, m.analysis_failure_limit
                )
            failed = results[-failures:] if failures else []
            self._act(report, frm, to, action, (alarms, last), failed, clean_at, flag)
            clean_at = self._now()
            if self.progress is not None:
                self.progress(BakeTick(to, elapsed, total, failures, last))
        return results

    def _act(
        self,
        report: RunReport,
        frm: Phase,
        to: Phase,
        action: BakeAction,
        gates: tuple[GateResult, GateResult | None],
        failed: list[GateResult],
        clean_at: datetime,
        flag: ControlFlag,
    ) -> None:
        alarms, last = gates
        if action == BakeAction.KEEP_BAKING:
            return
        if action == BakeAction.ROLLBACK_ALARM:
            # The alarm went off after the last tick that saw none: the reported time counts from
            # that tick, so the tick the controller was not looking is not left out.
            self._rollback(report, to, f"alarm during bake: {alarms.detail}", clean_at, [alarms])
            raise RolledBack(f"{to.value} rolled back: {alarms.detail}")
        if action == BakeAction.ROLLBACK_ANALYSES:
            assert last is not None
            self._rollback(report, to, f"{len(failed)} failed analyses: {last.detail}", self._now(), failed)
            raise RolledBack(f"{to.value} rolled back after {len(failed)} failed analyses: {last.detail}")
        if action == BakeAction.PAUSE_OPERATOR:
            self._record(report, frm, to, Outcome.PAUSED, f"paused by {flag.by}: {flag.reason}")
            raise Paused(f"paused during the bake of {to.value}: {flag.reason}")
        gate = alarms if action == BakeAction.PAUSE_ALARMS_INCONCLUSIVE else last
        assert gate is not None
        what = "alarms" if action == BakeAction.PAUSE_ALARMS_INCONCLUSIVE else "analysis"
        self.store.set_paused(True, f"inconclusive {what}: {gate.detail}")
        self._record(report, frm, to, Outcome.PAUSED, f"inconclusive {what}: {gate.detail}", [gate])
        raise Paused(f"{to.value} paused, a human must look: {gate.detail}")
