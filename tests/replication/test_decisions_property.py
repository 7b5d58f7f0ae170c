"""Property tests of the pure switch decisions against a simulated pair of servers, with an
adversary that opens app sessions, writes, stalls or breaks replication, lets time pass,
fails a server over, and crashes the driver between an action's effect and its record.

Invariants (issue 10, item 5):
1. never two servers accepting app writes;
2. never unlock one side while the other has an unlocked app account or an open app session;
3. never flip the writer before the target applied every app write the source acknowledged
   (and at least the recorded fence position);
4. never unlock one side while the other replicates from it without the fence filter
   (`replicate-ignore-db=mysql`): the simulated replica then applies the unlock, as MySQL does,
   and invariant 1 catches the second writer. The adversary removes or restores either side's
   filter at any moment (a parameter group edited during the switch); the gate saw the target's
   at the start.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from tap.replication.decisions import NONE, RUNNING, STOPPED, Act, Side, Step, View, at_least, decide
from tap.replication.position import Position

TERMINAL = {Act.DONE, Act.REVERTED, Act.FULL_FALLBACK, Act.HALT}


def pos(n: int | None) -> Position | None:
    return None if n is None else Position(1, n, "bin.000001")


@dataclass
class Sim:
    src_locked: bool = False
    tgt_locked: bool = True
    src_sessions: int = 2
    tgt_sessions: int = 0
    src_pos: int = 100
    tgt_applied: int = 95
    last_src_app_write: int = 95
    forward: str = RUNNING
    fwd_error: str = ""
    reverse: str = NONE
    tgt_filters: bool = True  # the target's replication drops fence statements
    src_filters: bool = True  # the source's (reverse) replication does
    writer_on_target: bool = False
    elapsed: float = 0.0
    failure: str = ""
    # the record
    step: Step = Step.GATED
    reverting: bool = False
    fence: int | None = None
    applied_at_stop: int | None = None

    def view(self) -> View:
        return View(
            step=self.step,
            reverting=self.reverting,
            source=Side(not self.src_locked, self.src_sessions),
            target=Side(not self.tgt_locked, self.tgt_sessions),
            writer_on_target=self.writer_on_target,
            fence=pos(self.fence),
            applied_at_stop=pos(self.applied_at_stop),
            target_applied=pos(self.tgt_applied) if self.forward != NONE else None,
            target_replica=self.forward if not self.fwd_error else STOPPED,
            target_error=self.fwd_error,
            source_replica=self.reverse,
            source_error="",
            target_keeps_fences=self.tgt_filters,
            source_keeps_fences=self.src_filters,
            elapsed=self.elapsed,
            timeout=30.0,
            failure=self.failure,
        )

    # -- what the world does between two observations --------------------------------------------
    def event(self, kind: int, amount: int) -> None:
        if kind == 0 and not self.src_locked:
            self.src_sessions += 1
        elif kind == 1 and not self.tgt_locked:
            self.tgt_sessions += 1
        elif kind == 2 and self.src_sessions:
            self.src_pos += 1  # a session that survived the lock can still write until killed
            self.last_src_app_write = self.src_pos
        elif kind == 3 and self.forward == RUNNING and not self.fwd_error:
            self.tgt_applied = min(self.src_pos, self.tgt_applied + amount)
        elif kind == 4:
            self.src_pos += 1  # heartbeat: the source's binlog moves even when fenced
        elif kind == 5:
            self.elapsed += amount * 4
        elif kind == 6 and amount == 1 and self.forward == RUNNING:
            self.fwd_error = "1062: Duplicate entry"
        elif kind == 7 and amount == 1:
            self.failure = "prod restarted: a failover"
        elif kind == 8 and self.src_sessions:
            self.src_sessions -= 1
        elif kind == 9 and amount in (2, 3):
            self.tgt_filters = amount == 3  # the target's filter removed, or put back
        elif kind == 9 and amount in (4, 5):
            self.src_filters = amount == 5

    # -- what the driver does (record written unless it crashes first) ---------------------------
    def act(self, a: Act, crash: bool) -> None:
        before = (self.src_locked, self.src_sessions, self.tgt_locked, self.tgt_sessions)
        if a == Act.UNFENCE_TARGET:
            assert before[0] and before[1] == 0, "unlocked the target while the source could write"
            assert self.applied_at_stop is not None and self.applied_at_stop >= self.last_src_app_write, (
                "unlocked a target that lacks acknowledged source writes"
            )
        if a == Act.UNFENCE_SOURCE:
            assert before[2] and before[3] == 0, "unlocked the source while the target could write"
        if a == Act.FLIP_WRITER:
            assert self.applied_at_stop is not None and self.fence is not None
            assert self.applied_at_stop >= self.fence >= self.last_src_app_write, (
                "flipped before the target caught up"
            )
        if a == Act.STOP_FORWARD:
            assert self.fence is not None and self.tgt_applied >= self.fence, (
                "stopped before the fence was applied"
            )
        rec = not crash
        self._replicate_account_statement(a)
        if a == Act.FENCE_SOURCE:
            self.src_locked, self.src_sessions = True, 0
            if rec and self.step in (Step.GATED, Step.FENCED):
                self.step, self.fence = Step.FENCED, self.src_pos
        elif a == Act.STOP_FORWARD:
            self.forward = STOPPED
            if rec:
                self.step, self.applied_at_stop = Step.STOPPED, self.tgt_applied
        elif a == Act.START_REVERSE:
            self.forward, self.reverse = NONE, RUNNING
            if rec:
                self.step = Step.REVERSED
        elif a == Act.UNFENCE_TARGET:
            self.tgt_locked = False
            if rec:
                self.step = Step.UNFENCED
        elif a == Act.FLIP_WRITER:
            self.writer_on_target = True
            if rec:
                self.step = Step.FLIPPED
        elif a == Act.CONFIRM and rec:
            self.step = Step.DONE
        elif a == Act.BEGIN_REVERT and rec:
            self.reverting = True
        elif a == Act.FENCE_TARGET:
            self.tgt_locked, self.tgt_sessions = True, 0
        elif a == Act.STOP_REVERSE:
            self.reverse = NONE
        elif a == Act.RESTORE_FORWARD:
            self.forward = RUNNING
            if self.applied_at_stop is not None and self.fwd_error == "":
                self.tgt_applied = max(self.tgt_applied, self.applied_at_stop)
        elif a == Act.UNFENCE_SOURCE:
            self.src_locked = False

    def _replicate_account_statement(self, a: Act) -> None:
        """A lock or unlock is binlogged; a side set to replicate from the server it ran on, and
        not filtering the `mysql` schema, applies it too (now, or when its replication resumes)."""
        if a in (Act.FENCE_SOURCE, Act.UNFENCE_SOURCE) and self.forward != NONE and not self.tgt_filters:
            self.tgt_locked = a == Act.FENCE_SOURCE
        if a in (Act.FENCE_TARGET, Act.UNFENCE_TARGET) and self.reverse != NONE and not self.src_filters:
            self.src_locked = a == Act.FENCE_TARGET

    def check(self) -> None:
        assert self.src_locked or self.tgt_locked, "both servers accept app writes"


events = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 5)), max_size=3)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(events, st.booleans()), min_size=1, max_size=60))
def test_no_sequence_of_observations_and_crashes_breaks_the_invariants(
    script: list[tuple[list[tuple[int, int]], bool]],
) -> None:
    sim = Sim()
    for happenings, crash in script:
        for kind, amount in happenings:
            sim.event(kind, amount)
        sim.check()
        decision = decide(sim.view())
        if decision.act in TERMINAL:
            if decision.act == Act.REVERTED:
                assert not sim.src_locked and sim.tgt_locked and not sim.writer_on_target
            if decision.act == Act.DONE:
                assert sim.writer_on_target and sim.src_locked and not sim.tgt_locked
            return
        sim.act(decision.act, crash)
        sim.check()


def test_without_incidents_the_sequence_is_the_named_one() -> None:
    sim = Sim(src_sessions=0)
    seen = []
    for _ in range(30):
        sim.event(3, 50)
        d = decide(sim.view())
        seen.append(d.act)
        if d.act in TERMINAL:
            break
        sim.act(d.act, crash=False)
    assert [a for a in seen if a != Act.WAIT] == [
        Act.FENCE_SOURCE,
        Act.STOP_FORWARD,
        Act.START_REVERSE,
        Act.UNFENCE_TARGET,
        Act.FLIP_WRITER,
        Act.CONFIRM,
        Act.DONE,
    ]


def test_a_failure_after_the_target_was_unlocked_takes_the_full_fallback() -> None:
    sim = Sim(
        src_locked=True,
        src_sessions=0,
        tgt_locked=False,
        forward=NONE,
        reverse=RUNNING,
        step=Step.UNFENCED,
        fence=100,
        applied_at_stop=100,
        failure="dev restarted: a failover",
    )
    assert decide(sim.view()).act == Act.FULL_FALLBACK


def test_a_failure_before_the_flip_reverts_by_unlocking_the_source_last() -> None:
    sim = Sim(
        src_locked=True,
        src_sessions=0,
        forward=NONE,
        reverse=RUNNING,
        step=Step.REVERSED,
        fence=100,
        applied_at_stop=100,
        elapsed=31.0,
    )
    acts = []
    for _ in range(10):
        d = decide(sim.view())
        acts.append(d.act)
        if d.act in TERMINAL:
            break
        sim.act(d.act, crash=False)
    assert acts == [Act.BEGIN_REVERT, Act.STOP_REVERSE, Act.RESTORE_FORWARD, Act.UNFENCE_SOURCE, Act.REVERTED]
    assert at_least(sim.step, Step.REVERSED) and sim.forward == RUNNING


def _run(sim: Sim, limit: int = 12) -> list[Act]:
    acts = []
    for _ in range(limit):
        d = decide(sim.view())
        acts.append(d.act)
        if d.act in TERMINAL:
            break
        sim.act(d.act, crash=False)
        sim.check()
    return acts


def test_a_source_without_the_fence_filter_reverts_before_the_target_is_unlocked() -> None:
    """Dev (the source) replicating from prod without the filter would apply prod's unlock."""
    sim = Sim(src_locked=True, src_sessions=0, forward=NONE, reverse=RUNNING, step=Step.REVERSED)
    sim.fence = sim.applied_at_stop = 100
    sim.src_filters = False
    acts = _run(sim)
    assert Act.UNFENCE_TARGET not in acts
    assert acts == [Act.BEGIN_REVERT, Act.STOP_REVERSE, Act.RESTORE_FORWARD, Act.UNFENCE_SOURCE, Act.REVERTED]
    assert sim.tgt_locked and not sim.src_locked  # dev is the writer again, alone


def test_a_target_without_the_fence_filter_halts_a_revert_with_both_sides_locked() -> None:
    """Prod (the target) replicating from dev without the filter would apply dev's unlock: no
    decision unlocks dev; a human restores the filter and runs again."""
    sim = Sim(src_locked=True, src_sessions=0, forward=NONE, reverse=RUNNING, step=Step.REVERSED)
    sim.fence = sim.applied_at_stop = 100
    sim.elapsed, sim.tgt_filters = 31.0, False  # timed out, and prod's filter is gone
    acts = _run(sim)
    assert acts == [Act.BEGIN_REVERT, Act.STOP_REVERSE, Act.RESTORE_FORWARD, Act.HALT]
    assert sim.src_locked and sim.tgt_locked
    assert "replicate-ignore-db" in decide(sim.view()).reason
    sim.tgt_filters = True  # the filter is back: the revert finishes
    assert _run(sim) == [Act.UNFENCE_SOURCE, Act.REVERTED]
