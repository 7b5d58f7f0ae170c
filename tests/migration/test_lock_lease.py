"""The lock lease while a `pulumi up` runs without printing anything (review of issue 6;
SPEC R15.3): the lease must not lapse under a running update, and a controller that lost its
lock during the update must stop instead of judging the step."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tap.migration.controller import BakeTick, Controller
from tap.migration.deployment import Deployment
from tap.migration.errors import LockHeld
from tap.migration.wiring import build_controller
from tests.migration.conftest import SWITCHED, SimulatedStack, make_controller
from tests.migration.env import StandIn

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
