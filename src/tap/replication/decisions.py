"""The data switch's decisions, as one pure function from what is observed to what to do next.

Like argo-rollouts' pure reconcile decisions and orchestrator's graceful takeover: the driver
(`switch.py`) observes both servers and the writer record, adds what the history recorded, and
asks `decide`; it never branches on state itself. Crash anywhere, run again: the recorded step
plus a fresh observation give the same answer, because every action is idempotent and every
step is recorded only after its effect is observed.

Four invariants hold for every sequence of observations and crashes (property-tested in
tests/replication/test_decisions_property.py):

1. never two servers accepting app writes;
2. never unlock one side while the other has an unlocked app account or an open app session;
3. never move the writer record before the target applied at least the source's fence position;
4. never unlock one side while the other is set to replicate from it with a filter that would
   apply the unlock (`tap.fence_filter`): the unlock is binlogged and would open the other side.

Two reverts: before the target was unlocked (it never took an app write), undo in reverse and
unlock the source; after it, the target may have acknowledged payments, so going back is the
full reverse switch (`FULL_FALLBACK`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tap.replication.position import Position


class Step(StrEnum):
    """Recorded progress, in order. Each is written to the history once its effect is seen."""

    GATED = "gated"  # gates passed, nothing changed yet
    FENCED = "fenced"  # source: app accounts locked, no app session; fence position recorded
    STOPPED = "stopped"  # target no longer replicates from source; its applied position recorded
    REVERSED = "reversed"  # source replicates from target (the way back)
    UNFENCED = "unfenced"  # target accepts app writes
    FLIPPED = "flipped"  # the writer record names the target
    DONE = "done"


ORDER = list(Step)


def at_least(step: Step, than: Step) -> bool:
    return ORDER.index(step) >= ORDER.index(than)


RUNNING, STOPPED, NONE = "running", "stopped", "none"


class Act(StrEnum):
    FENCE_SOURCE = "fence-source"  # lock source app accounts, end their sessions, (re)record fence
    WAIT = "wait"  # target still applying the source's binlog
    STOP_FORWARD = "stop-forward"  # stop + reset target's replication, record positions
    START_REVERSE = "start-reverse"  # source replicates from target at target's recorded position
    UNFENCE_TARGET = "unfence-target"
    FLIP_WRITER = "flip-writer"
    CONFIRM = "confirm"  # writes land on the target, source has no app session
    DONE = "done"
    # reverts
    BEGIN_REVERT = "begin-revert"
    FENCE_TARGET = "fence-target"
    STOP_REVERSE = "stop-reverse"
    RESTORE_FORWARD = "restore-forward"  # target replicates from source again, where it stopped
    UNFENCE_SOURCE = "unfence-source"
    REVERTED = "reverted"
    FULL_FALLBACK = "full-fallback"
    HALT = "halt"  # only a human may go on; the state is left with at most one writer


@dataclass(frozen=True)
class Side:
    unlocked: bool  # some app account can log in (and the server is not read_only)
    sessions: int  # open app sessions

    @property
    def quiet(self) -> bool:
        return not self.unlocked and self.sessions == 0


@dataclass(frozen=True)
class View:
    """Everything `decide` may look at: the record and a fresh observation."""

    step: Step
    reverting: bool
    source: Side
    target: Side
    writer_on_target: bool
    fence: Position | None  # source's binlog position once fenced (recorded)
    applied_at_stop: Position | None  # target's applied position when it stopped (recorded)
    target_applied: Position | None  # target's applied position in source coordinates, now
    target_replica: str  # target replicating from the source: RUNNING, STOPPED or NONE
    target_error: str  # target's replication error ("" when none)
    source_replica: str  # source replicating from the target (the reverse direction)
    source_error: str
    target_keeps_fences: bool  # the target's replication drops fence statements (its filter)
    source_keeps_fences: bool  # the source's (reverse) replication drops them
    elapsed: float  # seconds since the run passed its gates
    timeout: float
    failure: str = ""  # a failover, or a check the driver saw fail


@dataclass(frozen=True)
class Decision:
    act: Act
    reason: str = ""


def decide(v: View) -> Decision:
    two = _two_writers(v)
    if two is not None:
        return two
    if v.reverting:
        return _revert(v)
    failure = _failure(v)
    if failure:
        if _target_open(v):
            return Decision(Act.FULL_FALLBACK, failure)
        if v.step == Step.GATED and not _changed(v):
            return Decision(Act.REVERTED, failure)
        return Decision(Act.BEGIN_REVERT, failure)
    return _advance(v)


def _two_writers(v: View) -> Decision | None:
    """Unreachable through `decide`; a human unlocked something by hand. Fence the side the
    writer record does not name, at once."""
    if v.source.unlocked and v.target.unlocked:
        act = Act.FENCE_SOURCE if v.writer_on_target else Act.FENCE_TARGET
        return Decision(act, "both servers accept app writes")
    return None


def _changed(v: View) -> bool:
    """Anything of the switch in effect? (At GATED only the fence can be.)"""
    return not v.source.unlocked or v.source_replica != NONE


def _target_open(v: View) -> bool:
    """Once the target was unlocked with the way back in place, it may have acknowledged
    payments: never assume it did not, even if the step was not recorded (a crash)."""
    return at_least(v.step, Step.UNFENCED) or (at_least(v.step, Step.REVERSED) and v.target.unlocked)


def _failure(v: View) -> str:
    if v.failure:
        return v.failure
    if not at_least(v.step, Step.UNFENCED) and v.elapsed > v.timeout:
        return f"timed out after {v.elapsed:.1f} s (limit {v.timeout:g} s) at step {v.step.value}"
    if not at_least(v.step, Step.STOPPED):
        if v.target_error:
            return f"target replication stopped with an error: {v.target_error} (reseed; never skipped)"
        if v.target_replica == NONE:
            return "target no longer replicates from the source"
        if v.target_replica == STOPPED and not _caught_up(v):
            return "target replication was stopped before it applied the fence position"
    if at_least(v.step, Step.REVERSED) and v.source_error:
        return f"reverse replication stopped with an error: {v.source_error}"
    if at_least(v.step, Step.STOPPED) and not at_least(v.step, Step.UNFENCED) and not v.source.quiet:
        return "an app account on the fenced source was unlocked or a session reappeared"
    return ""


def _advance(v: View) -> Decision:
    s = v.step
    if s == Step.GATED:
        return Decision(Act.FENCE_SOURCE)
    if s == Step.FENCED:
        if not v.source.quiet:  # a session outlived its kill: fence again, record a later fence
            return Decision(Act.FENCE_SOURCE, "source has app sessions again")
        if _caught_up(v):
            return Decision(Act.STOP_FORWARD)
        return Decision(Act.WAIT, f"target applied {v.target_applied}, fence {v.fence}")
    if s == Step.STOPPED:
        return Decision(Act.START_REVERSE)
    if s == Step.REVERSED:
        if v.source_replica != RUNNING:
            return Decision(Act.START_REVERSE)
        return _unfence_target(v)
    if s == Step.UNFENCED:
        if v.fence is None or v.applied_at_stop is None or v.applied_at_stop < v.fence:
            return Decision(Act.HALT, "the target never recorded applying the fence position: not flipping")
        if not v.target.unlocked:
            return _unfence_target(v)
        return Decision(Act.FLIP_WRITER)
    if s == Step.FLIPPED:
        if not v.writer_on_target:
            return Decision(Act.FLIP_WRITER)
        if v.source.sessions:
            return Decision(Act.FENCE_SOURCE, "source has app sessions after the flip")
        return Decision(Act.CONFIRM)
    return Decision(Act.DONE)


def _caught_up(v: View) -> bool:
    return v.fence is not None and v.target_applied is not None and v.target_applied >= v.fence


def _unfence_target(v: View) -> Decision:
    if v.fence is None or v.applied_at_stop is None or v.applied_at_stop < v.fence:
        return Decision(Act.HALT, "the target never recorded applying the fence position: not unlocking it")
    if not v.source.quiet:
        return Decision(Act.BEGIN_REVERT, "source not fenced when the target was about to be unlocked")
    if v.source_replica != NONE and not v.source_keeps_fences:
        return Decision(
            Act.BEGIN_REVERT,
            "the source's replication does not ignore the `mysql` schema (replicate-ignore-db): "
            "the target's unlock would replicate to the source and unlock it too",
        )
    return Decision(Act.UNFENCE_TARGET)


def _revert(v: View) -> Decision:
    if _target_open(v):
        return Decision(
            Act.FULL_FALLBACK, "the target may have taken app writes: only the full fallback is safe"
        )
    if not v.target.quiet:
        return Decision(Act.FENCE_TARGET)
    if v.source_replica != NONE:
        return Decision(Act.STOP_REVERSE)
    if v.target_replica != RUNNING and not v.target_error:
        if v.target_replica == NONE and v.applied_at_stop is None:
            return Decision(Act.HALT, "target replication is gone and its position unrecorded: reseed prod")
        return Decision(Act.RESTORE_FORWARD)
    if not v.source.unlocked:
        if v.target_replica != NONE and not v.target_keeps_fences:
            return Decision(
                Act.HALT,
                "the target's replication does not ignore the `mysql` schema (replicate-ignore-db): "
                "unlocking the source would unlock the target too; set the filter on the target "
                "and run again (both sides stay locked until then)",
            )
        return Decision(Act.UNFENCE_SOURCE)
    return Decision(Act.REVERTED)
