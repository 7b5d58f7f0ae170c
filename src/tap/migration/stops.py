"""What `advance` says and leaves behind when it cannot go on: a refused lock names the firing
alarms, a lost lease leaves a note, Ctrl-C or an AWS error records what Route53 serves now, and
a failed update says whether green now serves traffic nobody watches."""

from __future__ import annotations

from tap.errors import TapError
from tap.migration.aws_faults import AwsFailure, describe
from tap.migration.bake import BakeOps
from tap.migration.budget import expected_blue
from tap.migration.dns import read_weights
from tap.migration.errors import LockHeld, MigrationError
from tap.migration.gates import Verdict, alarms_gate
from tap.migration.records import IGNORED_FOR_RESUME, OPEN, Outcome, RunReport
from tap.migration.state_items import HistoryEntry
from tap.phases import Phase, parse_phase


class StopOps(BakeOps):
    def _open_step(self) -> HistoryEntry | None:
        for entry in reversed(self.store.history()):
            if entry.outcome in IGNORED_FOR_RESUME:
                continue
            return entry if entry.outcome in OPEN else None
        return None

    def _alarms_while_held(self) -> str:
        """A refused `advance` says whether green is in trouble right now: with a dead holder,
        nobody may be watching until its lease runs out."""
        try:
            gate = alarms_gate(self.clients.client("cloudwatch"), self.dep.alarm_names)
        except AwsFailure as exc:
            return describe(exc, "the alarms could not be read")
        if gate.verdict == Verdict.FAIL:
            return (
                f"ALARM FIRING: {gate.detail}. If the holder is alive it rolls back at its next tick; "
                "if not, run `tap migrate rollback` now"
            )
        return f"alarms: {gate.verdict.value} ({gate.detail})"

    def _note_lost_lease(self, held: LockHeld) -> None:
        report = self.last_report or RunReport("advance", "")
        try:
            entry = self._open_step()
            if entry is None:
                return
            self._record(
                report,
                parse_phase(entry.from_phase),
                parse_phase(entry.to_phase),
                Outcome.NOTE,
                f"lost the migration lock to {held.owner} during the step to {entry.to_phase}; stopped "
                "without judging it (the lock holder resumes it)",
            )
        except AwsFailure as exc:
            report.warnings.append(describe(exc, "the lost-lock note was not written"))

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
            report.served = obs.weights.as_json()
            state = (
                f"the phase parameter says {obs.phase.value}, Route53 serves blue={obs.weights.blue} "
                f"green={obs.weights.green}"
            )
            self._record(report, obs.phase, obs.phase, Outcome.NOTE, f"{cause}; {state}")
            self._publish(
                report, f"tap migrate stopped at {obs.phase.value}", {"cause": cause, "state": state}
            )
        except (TapError, *AwsFailure) as exc:
            state = f"the state could not be read ({exc}); check `tap migrate status`"
        return kind(
            f"{cause}: {state}, and {watch}. Run `tap migrate advance` "
            "to finish and judge the open step, or `tap migrate rollback`"
        )

    def _unwatched(self, report: RunReport, frm: Phase) -> str:
        """After a failed update: does green serve more than the last judged phase gave it?
        Then it does so with nobody watching, and the operator must hear it now."""
        fplan = self._plan(frm)
        try:
            now = read_weights(self.clients.client("route53"), self.dep)
        except AwsFailure as exc:
            return f". The weights could not be read back ({exc}): check them before anything else"
        report.served = now.as_json()
        if now.matches(expected_blue(fplan), fplan.weights.green):
            return f". Route53 still serves the weights of {frm.value} (blue={now.blue} green={now.green})"
        return (
            f". Route53 now serves blue={now.blue} green={now.green} and nothing is watching green: "
            "run `tap migrate advance` to apply the step again and bake it, or `tap migrate rollback`"
        )
