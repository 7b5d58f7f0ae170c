"""The lock lease while a `pulumi up` runs without printing anything (review of issue 6;
SPEC R15.3): the lease must not lapse under a running update, and a controller that lost its
lock during the update must stop instead of judging the step."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tap.emulator.stand_in import StandIn
from tap.migration.budget import rollback_budget
from tap.migration.controller import BakeTick, Controller
from tap.migration.deployment import Deployment
from tap.migration.errors import Interrupted, LockHeld, MigrationError, RolledBack
from tap.migration.records import Outcome
from tap.migration.wiring import build_controller
from tests.migration.conftest import SWITCHED, SimulatedStack, make_controller

pytestmark = pytest.mark.moto


def silent_update_controller(
    env: StandIn, rival: Controller, seen: list[str], heartbeat_grace: float
) -> Controller:
    """A controller whose `pulumi up` runs longer than the lease and prints nothing; in the
    middle of it, `rival` (another laptop) tries to take the lock."""
    holder: list[Controller] = []

    class SilentStack(SimulatedStack):
        def up(self, *, on_output: Any = None, message: str | None = None) -> Any:
            ctl = holder[0]
            env.clock.sleep(ctl.store.lease_seconds + 60)  # e.g. an RDS modification, no output
            deadline = time.monotonic() + heartbeat_grace  # real time for the heartbeat to act
            while ctl.store.lock_holder() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            try:
                rival.store.acquire()
                seen.append("rival acquired")
            except LockHeld:
                seen.append("rival refused")
            return super().up(on_output=None, message=message)

    ctl = build_controller(
        env.settings,
        Deployment.from_flat(env.outputs),
        env.clients,
        env.clock,
        stack_name="prod",
        work_dir=Path("/srv/tap"),
        owner="laptop-1",
        stack_factory=lambda name, work_dir: SilentStack(env, name, work_dir),
        latency_stat="Maximum",
        switch_probe=lambda: SWITCHED,
    )
    holder.append(ctl)
    return ctl


def test_r15_3_the_lease_is_kept_alive_during_a_silent_update(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    seen: list[str] = []
    rival = make_controller(stand_in, owner="laptop-2")
    ctl = silent_update_controller(stand_in, rival, seen, heartbeat_grace=3.0)
    ctl.heartbeat_seconds = 0.005  # real seconds between renewals while the applier runs
    ctl.advance()
    assert seen == ["rival refused"]
    assert [e.owner for e in ctl.store.history()] == ["laptop-1", "laptop-1"]


def test_r15_3_a_controller_that_lost_its_lock_during_the_update_stops(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    seen: list[str] = []
    rival = make_controller(stand_in, owner="laptop-2")
    ctl = silent_update_controller(stand_in, rival, seen, heartbeat_grace=0.0)
    ctl.heartbeat_seconds = 3600.0  # the heartbeat never got through (e.g. DynamoDB unreachable)
    ctl.poll_seconds = 60  # so a bake tick is not what notices first
    with pytest.raises(LockHeld, match="laptop-2"):
        ctl.advance()
    assert seen == ["rival acquired"]
    history = ctl.store.history()
    assert [e.outcome for e in history] == ["started", "note"]
    assert "lost the migration lock" in history[-1].reason


def test_r15_3_a_controller_that_lost_its_lock_while_baking_does_not_record_success(
    stand_in: StandIn,
) -> None:
    """The laptop slept through the end of the bake; the lease lapsed and another controller
    took over (it will judge the step itself). Waking up, the first must not write `succeeded`."""
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, owner="laptop-1")
    rival = make_controller(stand_in, owner="laptop-2")

    slept: list[float] = []

    def laptop_sleeps_at_the_end(tick: BakeTick) -> None:
        if tick.elapsed >= tick.total and not slept:
            slept.append(tick.elapsed)
            stand_in.clock.sleep(ctl.store.lease_seconds + 1)
            rival.store.acquire()

    ctl.progress = laptop_sleeps_at_the_end
    with pytest.raises(LockHeld, match="laptop-2"):
        ctl.advance()
    outcomes = [e.outcome for e in ctl.store.history()]
    assert "succeeded" not in outcomes
    assert outcomes[-1] == "note"


# ---------------------------------------------------------------------------------------------
# A controller that died holding the lock (issue 12, items 2 and 6): what a refused `advance`
# says, how long green goes unwatched without the in-AWS guard, and the note a controller leaves
# when it finds its lease taken over mid-bake.
# ---------------------------------------------------------------------------------------------
def test_a_refused_advance_reports_the_firing_alarm(stand_in: StandIn) -> None:
    make_controller(stand_in, owner="dead-laptop").store.acquire()
    stand_in.set_alarm("green_5xx", "ALARM")
    with pytest.raises(LockHeld) as exc:
        make_controller(stand_in, owner="pipeline").advance()
    message = str(exc.value)
    assert (
        "dead-laptop" in message and "ALARM FIRING" in message and stand_in.alarm_name("green_5xx") in message
    )
    assert "tap migrate rollback" in message


def test_without_the_guard_green_is_unwatched_for_the_dead_holders_lease(stand_in: StandIn) -> None:
    """The holder dies 60 s into the 10 % bake; the alarm fires at once; a pipeline retries
    `advance` every 30 s. Weights come back only after the lease runs out: the budget counts it."""
    stand_in.feed_metrics(60)
    dead = make_controller(stand_in, owner="dead-laptop")
    stand_in.clock.at(60.0, lambda: (_ for _ in ()).throw(KeyboardInterrupt))  # the laptop dies
    with pytest.raises(Interrupted):
        dead.advance()
    dead.store.acquire()  # ...with its lease fresh, as a kill -9 leaves it
    fired = stand_in.clock.elapsed
    stand_in.set_alarm("green_5xx", "ALARM")
    pipeline = make_controller(stand_in, owner="pipeline")
    refusals = 0
    for _ in range(20):
        try:
            pipeline.advance()
        except LockHeld:
            refusals += 1
            stand_in.clock.sleep(30)
        except RolledBack:
            break
    back = stand_in.clock.elapsed - fired
    assert stand_in.weights() == {"blue": 100, "green": 0}
    budget = rollback_budget(stand_in.settings)
    assert refusals >= 9 and back <= budget.dead_holder_seconds + 30 + budget.tick_seconds
    print(
        "\n[fault -> weights back] dead holder, no guard, pipeline retrying every 30 s: "
        f"{back:.1f} simulated s"
    )


def test_a_controller_whose_lease_is_taken_mid_bake_leaves_the_note(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, owner="sleepy-laptop")
    rival = make_controller(stand_in, owner="rival")

    def lease_taken_over() -> None:  # the laptop slept past its lease; the rival took the lock
        ctl.store.release()
        rival.store.acquire()

    stand_in.clock.at(95.0, lease_taken_over)
    with pytest.raises(LockHeld):
        ctl.advance()
    last = ctl.store.history()[-1]
    assert last.outcome == Outcome.NOTE and last.owner == "sleepy-laptop"
    assert "lost the migration lock to rival" in last.reason


# ---------------------------------------------------------------------------------------------
# Ctrl-C while `advance` bakes (review of issue 6; SPEC R15.3): the controller stops, but the
# history, the alarm topic and the operator learn that green serves traffic nobody watches.
# ---------------------------------------------------------------------------------------------
def test_r15_3_ctrl_c_mid_bake_is_recorded_and_says_green_is_unwatched(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)

    def ctrl_c(tick: BakeTick) -> None:
        if tick.elapsed >= 60:
            raise KeyboardInterrupt

    ctl.progress = ctrl_c
    with pytest.raises(Interrupted) as exc:
        ctl.advance()
    message = str(exc.value)
    assert "green=10" in message and "nothing is watching" in message
    assert "tap migrate advance" in message and "tap migrate rollback" in message
    assert exc.value.exit_code == 5
    last = ctl.store.history()[-1]
    assert last.outcome == "note" and "interrupted" in last.reason
    assert ctl.store.lock_holder() is None  # released for whoever acts next
    # The next advance re-judges the interrupted step from the start (a full bake).
    report = make_controller(stand_in, owner="next").advance()
    assert report.end_phase == "traffic-shift-10"
    assert [e.outcome for e in ctl.store.history()][-2:] == ["resumed", "succeeded"]


def test_r15_3_an_aws_error_mid_bake_is_recorded_and_says_green_is_unwatched(
    stand_in: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CloudWatch call that keeps failing (here: permissions revoked) used to escape as a raw
    botocore traceback, with no history row and no word about the traffic green takes."""
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    cw = ctl.clients.client("cloudwatch")
    real = cw.describe_alarms

    def describe_alarms(**kwargs: Any) -> Any:
        if stand_in.clock.elapsed >= 65:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "revoked"}}, "DescribeAlarms")
        return real(**kwargs)

    monkeypatch.setattr(cw, "describe_alarms", describe_alarms)
    with pytest.raises(MigrationError) as exc:
        ctl.advance()
    message = str(exc.value)
    assert "AccessDenied" in message and "green=10" in message and "nothing is watching" in message
    last = ctl.store.history()[-1]
    assert last.outcome == "note" and "AccessDenied" in last.reason
