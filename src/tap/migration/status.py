"""`tap migrate status`, `pause` and `resume`. Status reads each thing on its own: whatever
AWS cannot answer is listed in `problems`, never a traceback, and the rest is still shown.
The command then exits with the code of the failures, as every `tap migrate` command does
(`StatusView.exit_code`): 6 when AWS could not be used for any read, else 7 when something
read is not deployed, else 2 for unusable outputs, else 1."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tap.errors import EXIT_AWS_UNAVAILABLE, EXIT_NOT_DEPLOYED
from tap.migration.aws_faults import AwsFailure, describe, exit_code
from tap.migration.budget import RollbackBudget, expected_blue, rollback_budget
from tap.migration.dns import ObservedWeights, read_weights
from tap.migration.errors import MigrationError, MigrationInputError
from tap.migration.gates import alarms_gate
from tap.migration.records import Outcome, RunReport, gates_json
from tap.migration.rollback import RollbackOps
from tap.migration.rollback_inputs import KnownPhase


@dataclass
class StatusView:
    phase: str
    phase_source: str
    next_phase: str | None
    rollback_target: str | None
    weights_set: dict[str, int | None]
    weights_observed: dict[str, int | None] | None
    budget: RollbackBudget
    guard_armed: bool
    gates: list[dict[str, Any]] = field(default_factory=list)
    lock: dict[str, Any] | None = None
    paused: dict[str, str] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    problem_exits: list[int] = field(default_factory=list)
    """The exit code each problem stands for (`tap.aws_errors.exit_code`)."""

    def note(self, problem: str, code: int) -> None:
        self.problems.append(problem)
        self.problem_exits.append(code)

    @property
    def exit_code(self) -> int:
        """0 when everything was read. Otherwise AWS unavailable outranks not deployed (a read
        that could not reach AWS says nothing about what exists), which outranks bad outputs."""
        if not self.problems:
            return 0
        return next((c for c in (EXIT_AWS_UNAVAILABLE, EXIT_NOT_DEPLOYED, 2) if c in self.problem_exits), 1)

    @property
    def in_sync(self) -> bool | None:
        return None if self.weights_observed is None else self.weights_observed == self.weights_set

    def as_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "phase_source": self.phase_source,
            "next_phase": self.next_phase,
            "rollback_target": self.rollback_target,
            "weights": {"set": self.weights_set, "observed": self.weights_observed},
            "in_sync": self.in_sync,
            "gates": self.gates,
            "budget": self.budget.as_json(),
            "budget_formula": self.budget.formula(),
            "rollback_guard_armed": self.guard_armed,
            "lock": self.lock,
            "paused": self.paused,
            "history": self.history,
            "problems": self.problems,
        }


class StatusIncomplete(MigrationError):
    """Status printed what it could read; the exit code says why the rest is missing."""

    def __init__(self, view: StatusView) -> None:
        self.exit_code = view.exit_code
        super().__init__(
            f"status is incomplete: {len(view.problems)} read(s) failed (listed above); what is shown "
            "was read, the rest is unknown"
        )


class StatusOps(RollbackOps):
    def guard_armed(self, known: KnownPhase) -> bool:
        """The in-AWS rollback guard acts in this phase: the phase machine arms it and the
        stack exported it."""
        return self._plan(known.phase).rollback_guard_armed and bool(
            self.dep.values.get("rollback_guard_document_name")
        )

    def status(self, history_rows: int = 10) -> StatusView:
        known = self.known_phase()
        cplan = self._plan(known.phase)
        nxt = cplan.next_phase
        armed = self.guard_armed(known)
        view = StatusView(
            phase=known.phase.value,
            phase_source=known.source,
            next_phase=nxt.value if nxt else None,
            rollback_target=cplan.rollback_target.value if cplan.rollback_target else None,
            weights_set={"blue": expected_blue(cplan), "green": cplan.weights.green},
            weights_observed=None,
            budget=rollback_budget(
                self.settings,
                guarded=armed,
                tick_seconds=self.poll_seconds,
                lease_seconds=self.store.lease_seconds,
            ),
            guard_armed=armed,
        )
        if known.problem:
            view.note(known.problem, known.problem_exit or 1)
        observed: ObservedWeights | None = self._read_into(view, "the weighted records", self._weights)
        view.weights_observed = observed.as_json() if observed else None
        self._read_into(view, "the gates of the next step", lambda: self._gates(view, known, observed))
        self._read_into(view, "the lock", lambda: self._lock(view))
        self._read_into(view, "the pause flag", lambda: self._pause(view))
        self._read_into(
            view,
            "the history",
            lambda: setattr(view, "history", [e.as_json() for e in self.store.history(limit=history_rows)]),
        )
        return view

    def _weights(self) -> ObservedWeights:
        return read_weights(self.clients.client("route53"), self.dep)

    @staticmethod
    def _read_into(view: StatusView, what: str, fn: Any) -> Any:
        """fn()'s result, or None with the failure noted on the view."""
        try:
            return fn()
        except AwsFailure as exc:
            view.note(describe(exc, f"could not read {what}"), exit_code(exc))
        except MigrationInputError as exc:
            view.note(f"could not read {what}: {exc}", exc.exit_code)
        return None

    def _gates(self, view: StatusView, known: KnownPhase, weights: ObservedWeights | None) -> None:
        """The next step's gates; only the alarms when the phase or the weights are not known
        for certain (gates judged on a guessed phase would mislead)."""
        nxt = self._plan(known.phase).next_phase
        if known.source == "ssm" and nxt is not None and weights is not None:
            view.gates = gates_json(self.preflight(known.phase, nxt, weights))
        else:
            view.gates = gates_json([alarms_gate(self.clients.client("cloudwatch"), self.dep.alarm_names)])

    def _lock(self, view: StatusView) -> None:
        holder = self.store.lock_holder()
        view.lock = {"owner": holder[0], "seconds_left": holder[1]} if holder else None

    def _pause(self, view: StatusView) -> None:
        flag = self.store.pause_flag()
        view.paused = {"reason": flag.reason, "by": flag.by, "time": flag.time} if flag.active else None

    def pause(self, reason: str) -> RunReport:
        return self._set_pause(True, reason)

    def resume(self, reason: str) -> RunReport:
        return self._set_pause(False, reason)

    def _set_pause(self, paused: bool, reason: str) -> RunReport:
        """The flag first (that is the command); the note and the event after it. A pause needs
        DynamoDB: without it the command fails saying so (and how to stop traffic instead)."""
        known = self.known_phase()
        word = "paused" if paused else "resumed"
        report = RunReport("pause" if paused else "resume", known.phase.value, known.phase.value)
        self.last_report = report
        if known.problem:
            report.warnings.append(known.problem)
        self.store.set_paused(paused, reason)
        try:
            self._record(report, known.phase, known.phase, Outcome.NOTE, f"{word}: {reason}")
        except AwsFailure as exc:
            report.warnings.append(describe(exc, "the history note was not written"))
        self._publish(report, f"tap migrate {word} at {known.phase.value}", {"reason": reason})
        return report
