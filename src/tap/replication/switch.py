"""The driver of a switch: observe, ask `decide`, do what it says, record, repeat.

It holds no state of its own between iterations beyond the run record it last wrote, so a
`kill -9` at any point loses nothing: the next `tap db cutover` (or `fallback`) reads the open
run from the history and carries on from a fresh observation.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from tap.migration.gates import GateResult, Verdict
from tap.replication.checks import fence_filter_gate, run_gates, way_back_filter_gate
from tap.replication.context import DbContext
from tap.replication.decisions import NONE, RUNNING, STOPPED, Act, Decision, Side, Step, View, decide
from tap.replication.errors import NeedsOperator, ReplicationError, SwitchRefused, SwitchReverted
from tap.replication.failover import identity_change, rds_events
from tap.replication.journal import Direction, Ending, RunRecord
from tap.replication.observe import ServerState, binlog_position, identity, observe, require_binlog
from tap.replication.ops import fence, replica_from, replicate, set_locked, stop_and_reset
from tap.replication.probe import confirm_writes
from tap.replication.report import SwitchReport

MAX_ITERATIONS = 100_000  # bounded: the timeout ends a wait long before this


def _side(state: ServerState) -> Side:
    # An unlocked app account counts as open even under read_only: read_only is asynchronous on
    # RDS (parameter group) and never tap's fence.
    return Side(unlocked=bool(state.unlocked_accounts), sessions=len(state.app_sessions))


def _replica(state: Any) -> tuple[str, str]:
    if state is None:
        return NONE, ""
    error = f"{state.last_errno}: {state.last_error[:200]}" if state.broken else ""
    return (RUNNING if state.running else STOPPED), error


class Switch:
    def __init__(self, ctx: DbContext, direction: Direction, *, quick_gates: bool = False) -> None:
        self.ctx = ctx
        self.direction = direction
        self.source, self.target = ctx.pair(direction)
        self.quick_gates = quick_gates  # the automatic fallback after a failed flip
        self.report: SwitchReport | None = None

    # -- the loop -------------------------------------------------------------------------------
    def run(self, record: RunRecord | None = None) -> SwitchReport:
        ctx = self.ctx
        if record is None:
            record = self._gate()
        else:
            ctx.say(f"resuming {record.direction.value} run {record.run} at step {record.step.value}")
        self.report = SwitchReport(self.direction, record.run, Ending.DONE)
        renewed = ctx.now()
        for _ in range(MAX_ITERATIONS):
            if (ctx.now() - renewed).total_seconds() >= ctx.settings.lease_seconds / 3:
                ctx.store.renew()  # LockHeld if our lease lapsed and someone took over: stop
                renewed = ctx.now()
            view = self._view(record)
            decision = decide(view)
            self.report.steps.append(
                {"at": ctx.now().isoformat(), "act": decision.act.value, "reason": decision.reason}
            )
            if decision.act != Act.WAIT:
                ctx.say(f"{self.direction.value}: {decision.act.value} {decision.reason}".rstrip())
            record = self._do(decision, record)
            if record.ended:
                return self._finish(record)
        raise ReplicationError(f"the switch did not settle within {MAX_ITERATIONS} observations")

    def _gate(self) -> RunRecord:
        ctx = self.ctx
        if self.quick_gates:
            gates = [_quick_gate(self)]
        else:
            gates = run_gates(self.source, self.target, ctx.writer.target(), ctx.settings, ctx.clock)
        failed = [g for g in gates if not g.passed]
        if failed:
            ctx.journal.note(
                f"{self.direction.value}:refused", failed[0].detail, gates=[g.as_json() for g in gates]
            )
            raise SwitchRefused(
                f"{self.direction.value} refused, nothing changed: {failed[0].name}: {failed[0].detail}"
            )
        ids = {}
        for side in (self.source, self.target):
            me = identity(side)
            ids[side.endpoint.name] = [me.server_id, me.uptime]
        record = ctx.journal.new_run(self.direction, ctx.now().isoformat(), ids)
        ctx.say(f"{self.direction.value}: gates passed ({', '.join(g.name for g in gates)})")
        return ctx.journal.write(record, Step.GATED.value, "gates passed")

    def _view(self, r: RunRecord) -> View:
        ctx, st = self.ctx, self.ctx.settings
        src = observe(self.source, st.accounts, activity=False)
        tgt = observe(self.target, st.accounts, activity=False)
        fwd = replica_from(self.target, self.source.endpoint)
        rev = replica_from(self.source, self.target.endpoint)
        t_rep, t_err = _replica(fwd)
        s_rep, s_err = _replica(rev)
        failure = (
            identity_change(src.name, r.identities.get(src.name), src.identity)
            or identity_change(tgt.name, r.identities.get(tgt.name), tgt.identity)
            or (rds_events(ctx.rds, ctx.instance_ids, datetime.fromisoformat(r.gated_at)) if ctx.rds else "")
        )
        return View(
            step=r.step,
            reverting=r.reverting,
            source=_side(src),
            target=_side(tgt),
            writer_on_target=ctx.writer.target() == self.target.endpoint.host,
            fence=r.fence_position,
            applied_at_stop=r.stop_position,
            target_applied=fwd.applied if fwd else None,
            target_replica=t_rep,
            target_error=t_err,
            source_replica=s_rep,
            source_error=s_err,
            target_keeps_fences=fwd is not None and fwd.keeps_fences_local,
            source_keeps_fences=rev is not None and rev.keeps_fences_local,
            elapsed=(ctx.now() - datetime.fromisoformat(r.gated_at)).total_seconds(),
            timeout=st.timeout_seconds,
            failure=failure,
        )

    # -- the actions ----------------------------------------------------------------------------
    def _do(self, d: Decision, r: RunRecord) -> RunRecord:
        ctx, st, j = self.ctx, self.ctx.settings, self.ctx.journal
        a = d.act
        if a == Act.WAIT:
            ctx.clock.sleep(st.poll_seconds)
            return r
        if a == Act.FENCE_SOURCE:
            return self._fence_source(d, r)
        if a == Act.STOP_FORWARD:
            return self._stop_forward(r)
        if a == Act.START_REVERSE:
            return self._start_reverse(r)
        if a == Act.UNFENCE_TARGET:
            set_locked(self.target, st.accounts, False)
            return j.advance(r, Step.UNFENCED, f"{self.target.endpoint.name} accepts app writes")
        if a == Act.FLIP_WRITER:
            change = ctx.writer.point_at(self.target.endpoint.host, f"{self.direction.value} run {r.run}")
            return j.advance(r, Step.FLIPPED, f"writer -> {self.target.endpoint.host} (change {change})")
        if a == Act.CONFIRM:
            problem = confirm_writes(ctx, self.source, self.target, r.run)
            if problem:
                return self._full_fallback(
                    j.write(replace(r, reason=problem), "confirm-failed", problem), problem
                )
            return j.end(
                j.advance(r, Step.DONE, "writes land on the target; no app session on the source"),
                Ending.DONE,
            )
        return self._revert_act(d, r)

    def _fence_source(self, d: Decision, r: RunRecord) -> RunRecord:
        ctx, j = self.ctx, self.ctx.journal
        killed = fence(self.source, ctx.settings.accounts, ctx.clock)
        if r.step in (Step.GATED, Step.FENCED):
            pos = require_binlog(self.source)  # read after the last app session ended
            return j.advance(
                r,
                Step.FENCED,
                f"{self.source.endpoint.name} fenced ({killed} session(s) ended) at {pos}",
                fence=pos.as_json(),
            )
        return j.write(r, "fenced-again", d.reason)

    def _stop_forward(self, r: RunRecord) -> RunRecord:
        self.target.run(self.target.dialect.stop_replica())
        status = replica_from(self.target, self.source.endpoint)
        if status is None or status.applied is None:
            raise ReplicationError(f"{self.target.endpoint.name} lost its replication status while stopping")
        own = require_binlog(self.target)
        return self.ctx.journal.advance(
            r,
            Step.STOPPED,
            f"{self.target.endpoint.name} applied {status.applied}; its binlog at {own}",
            applied_at_stop=status.applied.as_json(),
            target_binlog=own.as_json(),
        )

    def _start_reverse(self, r: RunRecord) -> RunRecord:
        stop_and_reset(self.target)
        if replica_from(self.source, self.target.endpoint) is None:
            start = r.target_position
            if start is None:
                raise ReplicationError(
                    "no recorded target binlog position to start the reverse replication from"
                )
            replicate(self.source, self.target.endpoint, self.ctx.secret.read(), start, self.ctx.settings.ssl)
        else:
            self.source.run(self.source.dialect.start_replica())
        return self.ctx.journal.advance(
            r, Step.REVERSED, f"{self.source.endpoint.name} replicates from {self.target.endpoint.name}"
        )

    def _revert_act(self, d: Decision, r: RunRecord) -> RunRecord:
        ctx, st, j = self.ctx, self.ctx.settings, self.ctx.journal
        a = d.act
        if a == Act.BEGIN_REVERT:
            return j.write(replace(r, reverting=True, reason=d.reason), "revert", d.reason)
        if a == Act.FENCE_TARGET:
            fence(self.target, st.accounts, ctx.clock)
            return j.write(r, "revert:fence-target", d.reason)
        if a == Act.STOP_REVERSE:
            stop_and_reset(self.source)
            return j.write(r, "revert:stop-reverse")
        if a == Act.RESTORE_FORWARD:
            if replica_from(self.target, self.source.endpoint) is not None:
                self.target.run(self.target.dialect.start_replica())
            else:
                start = r.stop_position
                assert start is not None  # decide() halts when it is unrecorded
                replicate(self.target, self.source.endpoint, ctx.secret.read(), start, st.ssl)
            return j.write(
                r,
                "revert:restore-forward",
                f"{self.target.endpoint.name} replicates from {self.source.endpoint.name} again",
            )
        if a == Act.UNFENCE_SOURCE:
            set_locked(self.source, st.accounts, False)
            return j.write(
                r, "revert:unfence-source", f"{self.source.endpoint.name} accepts app writes again"
            )
        if a == Act.REVERTED:
            return j.end(r, Ending.REVERTED, d.reason or r.reason)
        if a == Act.FULL_FALLBACK:
            return self._full_fallback(r, d.reason or r.reason)
        if a == Act.DONE:
            return j.end(r, Ending.DONE)
        return j.end(r, Ending.HALTED, d.reason)

    def _full_fallback(self, r: RunRecord, reason: str) -> RunRecord:
        self.ctx.say(f"{self.direction.value}: {reason}; running the full {self.direction.reverse.value}")
        return self.ctx.journal.end(r, Ending.FALLBACK, reason)

    def _finish(self, r: RunRecord) -> SwitchReport:
        assert self.report is not None
        self.report.ending, self.report.reason = Ending(r.ended), r.reason
        if r.ended == Ending.DONE:
            return self.report
        if r.ended == Ending.REVERTED:
            raise SwitchReverted(
                f"{self.direction.value} reverted: {r.reason}; "
                f"{self.source.endpoint.name} is the writer again, nothing lost"
            )
        if r.ended == Ending.FALLBACK:
            back = Switch(self.ctx, self.direction.reverse, quick_gates=True)
            try:
                back.run()
            except SwitchRefused as exc:
                raise NeedsOperator(
                    f"{self.direction.value} failed after the target was unlocked ({r.reason}), "
                    f"and the automatic {self.direction.reverse.value} was refused: {exc}"
                ) from None
            raise SwitchReverted(
                f"{self.direction.value} failed after the target was unlocked ({r.reason}); the full "
                f"{self.direction.reverse.value} ran: {self.source.endpoint.name} is the writer again, "
                "nothing lost"
            )
        raise NeedsOperator(f"{self.direction.value} halted: {r.reason}")


def _quick_gate(sw: Switch) -> GateResult:
    """The automatic fallback only needs the way back: replication from the new writer, unbroken."""
    status = replica_from(sw.target, sw.source.endpoint)
    if status is None or status.broken or not status.running:
        return GateResult(
            "replication",
            Verdict.FAIL,
            f"{sw.target.endpoint.name} does not replicate cleanly from {sw.source.endpoint.name}",
        )
    if binlog_position(sw.source) is None:
        return GateResult("replication", Verdict.FAIL, f"{sw.source.endpoint.name} writes no binlog")
    for filters in (fence_filter_gate(sw.source, sw.target), way_back_filter_gate(sw.source, sw.target)):
        if not filters.passed:
            return filters
    return GateResult("replication", Verdict.PASS, "reverse replication running, fences stay on their side")


def run_switch(ctx: DbContext, direction: Direction) -> SwitchReport:
    """Resume an open run of either direction (a crash left it), else start `direction` anew."""
    with ctx.locked():
        open_run = ctx.journal.open_run()
        if open_run is not None:
            return Switch(ctx, open_run.direction).run(open_run)
        return Switch(ctx, direction).run()
