"""`tap migrate rollback` and the rollback request: a rollback always wins.

With the lock free it runs at once. With another controller holding the lock it asks the holder
through the rollback request item and, if the holder does not show the weights back within
`handoff` seconds, moves them itself. With the state table unusable it moves them anyway. In
every case the weights go first (`rollback.RollbackOps`), and nothing else it needs is allowed
to stop it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from tap.errors import PhaseError
from tap.migration.aws_faults import AwsFailure, describe
from tap.migration.budget import expected_blue
from tap.migration.errors import ApplyFailed, LockHeld
from tap.migration.records import Outcome, RunReport
from tap.migration.rollback import RollbackOps
from tap.migration.rollback_inputs import KnownPhase
from tap.migration.state_items import ControlFlag
from tap.phases import Phase


class RollbackCommands(RollbackOps):
    def perform_requested_rollback(
        self, report: RunReport, current: Phase, seen: ControlFlag | None = None
    ) -> bool:
        """Take a pending rollback request (if any) and roll back; True when it did."""
        request = self.store.take_rollback_request(seen)
        if request is None:
            return False
        self._rollback(report, current, f"requested by {request.by}: {request.reason}", self._now())
        return True

    def rollback(self, reason: str = "operator", handoff_seconds: float | None = None) -> RunReport:
        detected = self._now()
        handoff = 3 * self.poll_seconds if handoff_seconds is None else handoff_seconds
        known = self.known_phase()
        report = RunReport("rollback", known.phase.value)
        self.last_report = report
        if known.problem:
            report.warnings.append(known.problem)
        try:
            self.store.acquire()
        except LockHeld as held:
            return self._rollback_beside_holder(report, known, reason, held, handoff, detected)
        except AwsFailure as exc:
            self._rollback_without_state(report, known, reason, exc, detected)
        self._last_renew = self._now()
        try:
            self._take_own_request(report)
            weights, _ = self._weights_or_none()
            cplan = self._plan(known.phase)
            in_place = weights is not None and weights.matches(expected_blue(cplan), cplan.weights.green)
            if cplan.rollback_target is None and in_place:
                raise PhaseError(
                    f"nothing to roll back: {known.phase.value!r} sends no traffic to green "
                    "and the weights agree with it"
                )
            record = self._rollback(report, known.phase, reason, detected, phase_source=known.source)
            report.end_phase = record.to_phase
            return report
        finally:
            self._release(report)

    def _take_own_request(self, report: RunReport) -> None:
        try:
            self.store.take_rollback_request()
        except AwsFailure as exc:
            report.warnings.append(describe(exc, "could not clear a pending rollback request"))

    def _release(self, report: RunReport) -> None:
        try:
            self.store.release()
        except AwsFailure as exc:
            report.warnings.append(
                describe(exc, "could not release the lock (its lease runs out on its own)")
            )

    def _rollback_without_state(
        self, report: RunReport, known: KnownPhase, reason: str, exc: BaseException, detected: datetime
    ) -> NoReturn:
        """The state table is unusable (throttled for good, permission gone): no lock, no
        history, no request item. Route53 does not need them, so the weights move anyway; the
        stack is not updated without the lock (another controller may be running one)."""
        record = self._rollback(
            report, known.phase, reason, detected, phase_source=known.source, locked=False
        )
        report.end_phase = record.to_phase
        record.unrecorded.insert(0, describe(exc, "no lock taken, so the stack was not updated"))
        raise ApplyFailed(self.unrecorded_message(record))

    def _request_or_none(self, report: RunReport, reason: str) -> bool:
        try:
            self.store.request_rollback(reason)
        except AwsFailure as exc:
            report.warnings.append(
                describe(exc, "could not write the rollback request; moving the weights now")
            )
            return False
        return True

    def _holder_took(self) -> bool:
        try:
            return not self.store.rollback_request().active
        except AwsFailure:
            return False

    def _rollback_beside_holder(
        self,
        report: RunReport,
        known: KnownPhase,
        reason: str,
        held: LockHeld,
        handoff: float,
        detected: datetime,
    ) -> RunReport:
        tplan = self._plan(self.rollback_target(known.phase))
        waited, deadline, taken = 0.0, handoff, False
        if not self._request_or_none(report, reason):
            deadline = 0.0
        while waited < deadline:
            self.clock.sleep(self.poll_seconds)
            waited += self.poll_seconds
            if not taken and self._holder_took():
                # Taken is not done: the holder may die before it moves anything. Give it one
                # more hand-off period to show the weights back, else move them ourselves.
                taken, deadline = True, waited + handoff
            weights, _ = self._weights_or_none()
            if taken and weights is not None and weights.matches(expected_blue(tplan), tplan.weights.green):
                report.end_phase = tplan.phase.value
                report.warnings.append(
                    f"the running controller ({held.owner}) took the rollback request and moved the weights"
                )
                return report
        if taken:
            report.warnings.append(
                f"{held.owner} took the rollback request but the weights were not back after "
                f"{waited:.0f} s; moving them directly"
            )
        note = (
            f"{reason}: lock held by {held.owner}, which did not roll back within {waited:.0f} s; "
            "weights moved directly, the holder reconciles"
        )
        record = self._rollback(
            report, known.phase, note, detected, phase_source=known.source, locked=False, outcome=Outcome.NOTE
        )
        if taken:
            # The holder consumed the request; leave a new one so whoever holds the lock next
            # reconciles the stack before anything else.
            self._request_or_none(report, f"{reason} (weights moved directly; reconcile)")
        report.end_phase = known.phase.value
        report.warnings.append(f"weights moved without the lock; {held.owner} will reconcile the stack")
        if record.unrecorded:
            raise ApplyFailed(self.unrecorded_message(record))
        return report

    def preview_rollback(self) -> dict[str, Any]:
        """What `rollback` would do now (read-only, for --dry-run); works without SSM and
        without the list call, as the rollback itself does."""
        known = self.known_phase()
        tplan = self._plan(self.rollback_target(known.phase))
        weights, problem = self._weights_or_none()
        return {
            "phase": known.phase.value,
            "phase_source": known.source,
            "rollback_target": tplan.phase.value,
            "observed_weights": weights.as_json() if weights else None,
            "weights_after": {"blue": expected_blue(tplan), "green": tplan.weights.green},
            "record_sets_from": "outputs" if self.dep.weighted_record_sets is not None else "list call",
            "problems": [p for p in (known.problem, problem) if p],
        }
