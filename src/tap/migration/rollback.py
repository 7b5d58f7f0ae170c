"""One rollback path: weights first, every other dependency optional.

The weights move from what is known without asking anything else: the rollback target's weights
come from the phase machine, the phase from the SSM parameter or (when SSM cannot be read) the
outputs, and the two record sets from the outputs (`weighted_record_sets`, no list call; older
outputs list them). Route53 failures that may pass (5xx, throttling, a reset) are retried with
backoff until a deadline derived from the rollback budget. Only then is the rest attempted —
pause flag, history, SNS, the stack update — and whatever could not be done is said plainly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NoReturn

from tap.migration.aws_faults import AwsFailure, FaultClass, classify, describe, retryable
from tap.migration.budget import INSYNC_WAIT_SECONDS, expected_blue, rollback_budget
from tap.migration.dns import ObservedWeights, read_weights, upsert_weights, wait_insync
from tap.migration.errors import ApplyFailed
from tap.migration.gates import GateResult, Verdict, dns_readback_gate
from tap.migration.records import Outcome, RollbackRecord, RunReport
from tap.migration.rollback_inputs import RollbackInputs, WeightsMoved
from tap.phase_plan import PhasePlan
from tap.phases import Phase

BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 16.0


class RollbackOps(RollbackInputs):
    def _deadline(self, detected: datetime) -> datetime:
        seconds = rollback_budget(self.settings, tick_seconds=self.poll_seconds).weights_deadline_seconds
        return detected + timedelta(seconds=seconds)

    # -- the weights ----------------------------------------------------------------------------
    def move_weights_back(self, tplan: PhasePlan, detected: datetime) -> WeightsMoved:
        """UPSERT the target's weights until Route53 serves them or the deadline passes. Raises
        ApplyFailed (with the last failure) when it cannot be confirmed in time."""
        # The emergency applier's client: the one the rollback path owns (tests wrap it).
        route53, deadline, delay = self.emergency.route53, self._deadline(detected), BACKOFF_FIRST_SECONDS
        blue, green = expected_blue(tplan), tplan.weights.green
        attempts, problems = 0, []
        while True:
            attempts += 1
            try:
                change = upsert_weights(
                    route53,
                    self.dep,
                    tplan.weights,
                    f"tap migrate rollback: weights of {tplan.phase.value}",
                    known=self.dep.weighted_record_sets,
                )
                insync: float | None = wait_insync(route53, change, self.clock, INSYNC_WAIT_SECONDS)
                observed, problem = self._weights_or_none()
                if observed is None:
                    # INSYNC for our own change is Route53's word that it serves these weights.
                    problems.append(f"{problem}; weights confirmed by GetChange {change} = INSYNC")
                    return WeightsMoved(
                        ObservedWeights(blue, green), "insync", insync, attempts, tuple(problems)
                    )
                if observed.matches(blue, green):
                    return WeightsMoved(observed, "readback", insync, attempts, tuple(problems))
                # e.g. an update still in flight wrote the old weights again: not a rollback yet.
                failure: Exception = ApplyFailed(
                    f"weights did not read back: blue={observed.blue} green={observed.green}"
                )
            except ApplyFailed:
                raise  # a record set that does not exist, or PENDING past the INSYNC wait
            except AwsFailure as exc:
                if not retryable(exc):
                    raise
                failure = exc
            wait = delay * (2 if classify(failure) == FaultClass.THROTTLED else 1)
            if self._now() + timedelta(seconds=wait) > deadline:
                last = describe(failure, "last") if isinstance(failure, AwsFailure) else str(failure)
                raise ApplyFailed(
                    f"gave up at the rollback deadline after {attempts} attempt(s) "
                    f"({(self._now() - detected).total_seconds():.0f} s); {last}"
                ) from failure
            problems.append(f"attempt {attempts}: {failure}")
            self.clock.sleep(wait)
            delay = min(delay * 2, BACKOFF_MAX_SECONDS)

    def _try(self, record: RollbackRecord, what: str, fn: Callable[[], object]) -> bool:
        try:
            fn()
        except AwsFailure as exc:
            record.unrecorded.append(describe(exc, what))
            return False
        return True

    def _rollback(
        self,
        report: RunReport,
        current: Phase,
        reason: str,
        detected: datetime,
        gates: list[GateResult] | None = None,
        *,
        phase_source: str = "ssm",
        locked: bool = True,
        outcome: Outcome = Outcome.ROLLED_BACK,
    ) -> RollbackRecord:
        """Weights back through Route53 first (seconds), then the stack reconciled to match."""
        target = self.rollback_target(current)
        tplan = self._plan(target)
        fast = self._plan(current).dev_record
        try:
            moved, reason = self._weights_back(tplan, fast, reason, detected)
        except (ApplyFailed, *AwsFailure) as exc:
            self._rollback_unconfirmed(report, current, target, reason, exc)
        record = self._new_record(current, target, reason, detected, moved, phase_source)
        report.rollback = record
        report.warnings.extend(moved.problems)
        readback = dns_readback_gate(moved.weights, expected_blue(tplan), tplan.weights.green)
        self._record_rollback(report, record, current, target, [*(gates or []), readback], outcome)
        if locked:
            self._finish(report, record, current, target, tplan, fast)
        return record

    def _weights_back(
        self, tplan: PhasePlan, fast: bool, reason: str, detected: datetime
    ) -> tuple[WeightsMoved, str]:
        """Route53 serving the target's weights, and the reason to record (naming whoever got
        there first). Raises ApplyFailed or AwsFailure when that cannot be confirmed."""
        already = self._already_back(tplan) if fast else None
        if already is not None:
            # Someone (the in-AWS guard, most likely) got there first: no second UPSERT,
            # no fight over the weights; record it and reconcile.
            weights = ObservedWeights(expected_blue(tplan), tplan.weights.green)
            return WeightsMoved(weights, "readback", None, 0), f"{reason}; {already}"
        if fast:
            return self.move_weights_back(tplan, detected), reason
        # The dev record no longer exists (after `complete`): only the stack can recreate it,
        # so the slow path is the only path.
        self._run_applier(self.reconciler, tplan)
        observed = read_weights(self.clients.client("route53"), self.dep)
        if not observed.matches(expected_blue(tplan), tplan.weights.green):
            raise ApplyFailed(f"weights did not read back: {observed.as_json()}")
        return WeightsMoved(observed, "readback", None, 1), reason

    def _new_record(
        self,
        current: Phase,
        target: Phase,
        reason: str,
        detected: datetime,
        moved: WeightsMoved,
        phase_source: str,
    ) -> RollbackRecord:
        back = self._now()
        return RollbackRecord(
            from_phase=current.value,
            to_phase=target.value,
            reason=reason,
            detected_at=detected.isoformat(),
            weights_back_at=back.isoformat(),
            detection_to_weights_seconds=(back - detected).total_seconds(),
            weights=moved.weights.as_json(),
            insync_seconds=moved.insync_seconds,
            confirmed_by=moved.confirmed_by,
            attempts=moved.attempts,
            phase_source=phase_source,
            by=self.store.owner,
        )

    def _finish(
        self,
        report: RunReport,
        record: RollbackRecord,
        current: Phase,
        target: Phase,
        tplan: PhasePlan,
        fast: bool,
    ) -> None:
        """With the lock held: the stack reconciled to the target (the slow path already did
        it), then anything left unrecorded raised."""
        if not fast:
            self._try(
                record,
                "history (reconciled) not written",
                lambda: self._record(
                    report, current, target, Outcome.RECONCILED, "the stack update recreated the dev record"
                ),
            )
        else:
            self._reconcile(report, record, current, target, tplan)
        if record.unrecorded:
            raise ApplyFailed(self.unrecorded_message(record))

    def _record_rollback(
        self,
        report: RunReport,
        record: RollbackRecord,
        current: Phase,
        target: Phase,
        gates: list[GateResult],
        outcome: Outcome,
    ) -> None:
        # Hold here until a human looks: a re-run `advance` (a pipeline retry, another terminal)
        # must not send payments straight back to the fleet that was just rolled back.
        self._try(
            record,
            "pause flag not set",
            lambda: self.store.set_paused(
                True, f"rolled back {current.value} -> {target.value}: {record.reason}"
            ),
        )
        extra = {"detection_to_weights_seconds": record.detection_to_weights_seconds}
        written = self._try(
            record,
            "history not written",
            lambda: self._record(report, current, target, outcome, record.reason, gates, extra),
        )
        if not written:
            subject = f"tap migrate {current.value} -> {target.value}: weights moved, history not written"
            if not self._publish(report, subject, record.as_json()):
                record.unrecorded.append("no event published to the alarm topic")

    def _reconcile(
        self, report: RunReport, record: RollbackRecord, current: Phase, target: Phase, tplan: PhasePlan
    ) -> None:
        try:
            reconciled = self._run_applier(self.reconciler, tplan)
        except ApplyFailed as exc:
            note = f"weights are back; reconcile failed: {exc}"
            self._try(
                record,
                "history (reconcile failed) not written",
                lambda: self._record(report, current, target, Outcome.NOTE, note),
            )
            raise ApplyFailed(
                f"traffic is back on blue, but the stack was not reconciled to {target.value!r}: "
                f"{exc}; run `tap migrate rollback` again"
                + (f". Also: {'; '.join(record.unrecorded)}" if record.unrecorded else "")
            ) from exc
        self._try(
            record,
            "history (reconciled) not written",
            lambda: self._record(report, current, target, Outcome.RECONCILED, reconciled.detail),
        )

    @staticmethod
    def unrecorded_message(record: RollbackRecord) -> str:
        return (
            f"traffic is back on {record.to_phase} (Route53: blue={record.weights['blue']} "
            f"green={record.weights['green']}, {record.detection_to_weights_seconds:.1f} s after "
            f"detection), but not everything was recorded: {'; '.join(record.unrecorded)}. When AWS "
            "answers again, run `tap migrate rollback` again (idempotent) to record it and reconcile "
            "the stack"
        )

    def _rollback_unconfirmed(
        self, report: RunReport, current: Phase, target: Phase, reason: str, exc: BaseException
    ) -> NoReturn:
        """The weight change failed or was never confirmed by the deadline: never reported as a
        rollback. Recorded, announced, and left as a pending rollback request where DynamoDB
        answers, so the next `advance` (anyone's) finishes the rollback before anything else."""
        tplan = self._plan(target)
        observed, problem = self._weights_or_none()
        readback = (
            dns_readback_gate(observed, expected_blue(tplan), tplan.weights.green)
            if observed is not None
            else GateResult("dns-readback", Verdict.INCONCLUSIVE, problem or "could not read the weights")
        )
        lost: list[str] = []
        for what, fn in (
            (
                "rollback request not written",
                lambda: self.store.request_rollback(f"unfinished rollback to {target.value}: {reason}"),
            ),
            (
                "history not written",
                lambda: self._record(
                    report,
                    current,
                    target,
                    Outcome.NOTE,
                    f"rollback to {target.value} not confirmed: {exc}",
                    [readback],
                ),
            ),
        ):
            try:
                fn()
            except AwsFailure as store_exc:
                lost.append(describe(store_exc, what))
        self._publish(
            report,
            f"tap migrate {current.value} -> {target.value}: rollback NOT confirmed",
            {"reason": reason, "error": str(exc), "readback": readback.as_json()},
        )
        hint = f"; AWS: {describe(exc, 'the weight change')}" if isinstance(exc, AwsFailure) else ""
        also = f" Also: {'; '.join(lost)}." if lost else ""
        raise ApplyFailed(
            f"the rollback of {current.value!r} to {target.value!r} is NOT confirmed: {exc}{hint}. "
            f"Route53 lists: {readback.detail}. Run `tap migrate rollback` again (it is idempotent); "
            f"until it succeeds, any `advance` finishes this rollback first.{also}"
        ) from exc
