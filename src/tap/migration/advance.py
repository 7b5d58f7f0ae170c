"""`tap migrate advance`: finish an open step, then one gated step at a time: preflight gates →
apply → verify → bake → history. Rollback and bake come from the layers below."""

from __future__ import annotations

import contextlib

from tap.errors import PhaseError
from tap.migration.aws_faults import AwsFailure, describe
from tap.migration.budget import bakes, check_budget, expected_blue, rollback_budget, takes_green_traffic
from tap.migration.core import Observation
from tap.migration.errors import (
    ApplyFailed,
    GateFailed,
    Interrupted,
    LockHeld,
    MigrationError,
    Paused,
    RolledBack,
)
from tap.migration.gates import GateResult, Verdict, dns_readback_gate, worst
from tap.migration.records import Outcome, RunReport
from tap.migration.resume import ResumeAction, resume_action
from tap.migration.state_items import HistoryEntry
from tap.migration.stops import StopOps
from tap.phases import Phase, TransitionKind, classify_transition, parse_phase


class AdvanceOps(StopOps):
    def advance(self, target: Phase | None = None, reason: str = "operator") -> RunReport:
        check_budget(
            rollback_budget(
                self.settings,
                # The guard covers a dead holder only where it is deployed (outputs name it).
                guarded=bool(self.dep.values.get("rollback_guard_document_name")),
                tick_seconds=self.poll_seconds,
                lease_seconds=self.store.lease_seconds,
            )
        )
        try:
            self.store.acquire()
        except LockHeld as held:
            raise LockHeld(held.owner, held.expires_in, self._alarms_while_held()) from None
        self._last_renew = self._now()
        try:
            return self._advance(target, reason)
        except KeyboardInterrupt:
            raise self._stopped("interrupted (Ctrl-C)", Interrupted) from None
        except LockHeld as held:
            # Lost the lease mid-run (a renewal in the bake, or after an update): leave word.
            self._note_lost_lease(held)
            raise
        except AwsFailure as exc:
            raise self._stopped(describe(exc, "stopped by an AWS error"), MigrationError) from exc
        finally:
            # The lease runs out on its own; the error that got us here matters more.
            with contextlib.suppress(*AwsFailure):
                self.store.release()

    def _advance(self, target: Phase | None, reason: str) -> RunReport:
        obs = self.observe()
        report = RunReport("advance", obs.phase.value)
        self.last_report = report
        flag, request = self.store.control()
        if request.active:
            cplan = self._plan(obs.phase)
            in_place = obs.weights.matches(expected_blue(cplan), cplan.weights.green)
            if takes_green_traffic(cplan) or not in_place:
                self.perform_requested_rollback(report, obs.phase, request)
                raise RolledBack(f"a pending rollback request ({request.reason}, by {request.by}) came first")
            if self.store.take_rollback_request(request) is not None:
                self._record(
                    report,
                    obs.phase,
                    obs.phase,
                    Outcome.NOTE,
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

    def _resume(self, report: RunReport, entry: HistoryEntry, obs: Observation) -> Phase | None:
        """Finish a step an earlier controller started (crash, lost laptop, pause). Returns the
        phase it finished, or None when the step never took effect (run it anew, gates and all)."""
        frm, to = parse_phase(entry.from_phase), parse_phase(entry.to_phase)
        action = resume_action(
            self._plan(frm), self._plan(to), obs.phase, obs.weights, failed=entry.outcome == Outcome.FAILED
        )
        state = f"deployed {obs.phase.value}, weights {obs.weights.as_json()}"
        step = f"step {frm.value} -> {to.value} (entry {entry.seq}, {entry.outcome})"
        if action == ResumeAction.RERUN:
            self._record(
                report, frm, to, Outcome.NOTE, f"{step} never took effect ({state}); running it anew"
            )
            return None
        if action == ResumeAction.ROLLBACK:
            # Never push traffic back to green from a state nobody can explain.
            self._rollback(
                report, to, f"{step} found in an unknown state ({state}); rolling back", self._now()
            )
            raise RolledBack(f"an interrupted step to {to.value!r} was found half done and rolled back")
        reconciled = True
        if action == ResumeAction.JUDGE:
            self._record(report, frm, to, Outcome.RESUMED, f"{step} found applied ({state}); judging it now")
        else:
            self._record(
                report,
                frm,
                to,
                Outcome.RESUMED,
                f"{step} half applied or failed ({state}); applying it again",
            )
            reconciled = self._apply(report, frm, to)
        self._verify_and_bake(report, frm, to, reconciled)
        return to

    def _step(self, report: RunReport, current: Phase, target: Phase, reason: str) -> None:
        if classify_transition(current, target) != TransitionKind.ADVANCE:
            raise PhaseError(f"{current.value!r} -> {target.value!r} is not a forward step")
        # Between the steps of `advance --to`: a rollback request or a pause set since the last
        # bake tick is honoured before green gets more traffic, not at the next step's bake.
        flag, request = self.store.control()
        if self.perform_requested_rollback(report, current, request):
            raise RolledBack(f"rollback requested before {current.value} -> {target.value}")
        if flag.active:
            raise Paused(
                f"paused before {current.value} -> {target.value} ({flag.reason}, by {flag.by}); "
                "look, then run `tap migrate resume`"
            )
        obs = self.observe()
        gates = self.preflight(current, target, obs.weights)
        self._judge_preflight(report, current, target, gates)
        self._refuse_if_unready()
        self._record(report, current, target, Outcome.STARTED, reason, gates)
        reconciled = self._apply(report, current, target)
        self._verify_and_bake(report, current, target, reconciled)

    def _refuse_if_unready(self) -> None:
        """Before a step moves anything: can the applier finish it here? (The route53 applier
        without the Pulumi CLI used to move traffic first and fail to reconcile after.)"""
        unready = self.applier.unready()
        if unready is not None:
            raise ApplyFailed(unready)

    def _judge_preflight(
        self, report: RunReport, current: Phase, target: Phase, gates: list[GateResult]
    ) -> None:
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
            self._record(report, current, target, Outcome.REFUSED, detail, gates)
            raise GateFailed(f"{current.value} -> {target.value} refused: {detail}")
        if verdict == Verdict.INCONCLUSIVE:
            self.store.set_paused(True, f"inconclusive preflight: {detail}")
            self._record(report, current, target, Outcome.REFUSED, f"inconclusive, paused: {detail}", gates)
            raise Paused(f"{current.value} -> {target.value} paused, a human must look: {detail}")

    def _apply(self, report: RunReport, frm: Phase, to: Phase) -> bool:
        """Apply the step; True when the stack was updated too (not `--no-reconcile`)."""
        try:
            applied = self._run_applier(self.applier, self._plan(to))
        except ApplyFailed as exc:
            # Recorded as an open step: the next `advance` re-applies it (or rolls back if the
            # failure left the weights somewhere it cannot explain).
            self._record(report, frm, to, Outcome.FAILED, str(exc))
            raise ApplyFailed(f"{exc}{self._unwatched(report, frm)}") from exc
        self._confirm_lease()
        # A `rollback` that could not reach us during the update moved the weights itself and
        # left its request; the update may have moved them again (or, at `complete`, removed
        # the dev record), and a phase without a bake would never look. Honour it now.
        _, request = self.store.control()
        if self.perform_requested_rollback(report, to, request):
            raise RolledBack(f"rollback requested during the update to {to.value}")
        return applied.reconciled

    def _verify_and_bake(self, report: RunReport, frm: Phase, to: Phase, reconciled: bool = True) -> None:
        tplan = self._plan(to)
        obs = self.observe()
        checks = [dns_readback_gate(obs.weights, expected_blue(tplan), tplan.weights.green)]
        if not reconciled:
            self._record(
                report,
                frm,
                to,
                Outcome.NOTE,
                f"weights moved with --no-reconcile: the stack still says {obs.phase.value}; "
                f"`tap migrate status` shows the drift until `pulumi config set tap:migrationPhase "
                f"{to.value}` and `pulumi up` (or a rollback) reconcile it",
            )
        elif obs.phase != to:
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
            if takes_green_traffic(tplan) and tplan.rollback_target is not None:
                self._rollback(report, to, f"verification after apply failed: {detail}", self._now())
                raise RolledBack(f"{to.value} did not verify and was rolled back: {detail}")
            self._record(report, frm, to, Outcome.FAILED, f"did not verify: {detail}", checks)
            raise ApplyFailed(f"{frm.value} -> {to.value} did not verify: {detail}")
        results = list(checks)
        if bakes(tplan):
            results += self._bake(report, frm, to)
        # The verdict is only ours to write while we hold the lock (a laptop that slept past
        # its lease finds another controller judging the step).
        self._confirm_lease()
        self._record(report, frm, to, Outcome.SUCCEEDED, "gates held", results)
