"""Rollback requests and pauses that arrive while a step is being applied, or between the steps
of `advance --to` (review of issue 6; SPEC R15.2): a rollback always wins, a pause holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tap.aws_clients import AwsClients
from tap.migration.clock import ManualClock
from tap.migration.controller import BakeTick, Controller
from tap.migration.deployment import Deployment
from tap.migration.errors import Paused, RolledBack
from tap.migration.wiring import build_controller
from tap.phases import Phase
from tap.settings import Settings
from tests.migration.conftest import SWITCHED, SimulatedStack, make_controller
from tests.migration.env import StandIn, build_stand_in

pytestmark = pytest.mark.moto


def test_r15_2_a_rollback_requested_during_the_update_to_complete_wins(
    aws: AwsClients, settings: Settings, clock: ManualClock
) -> None:
    """The operator's `rollback` moved the weights while the holder's `pulumi up` to `complete`
    ran; the update then removed the dev record. `complete` does not bake, so before the fix the
    holder recorded it as succeeded and left the request unread: all traffic on green."""
    env = build_stand_in(aws, settings, clock, Phase.TRAFFIC_SHIFT_100)
    env.feed_metrics(60)
    operator = make_controller(env, owner="operator")
    operator.store.append("traffic-shift-50", "traffic-shift-100", "succeeded", "baked")
    clock.sleep(settings.migration.rollback_window_seconds)

    class RequestDuringUp(SimulatedStack):
        def up(self, *, on_output: Any = None, message: str | None = None) -> Any:
            if self.phase == Phase.COMPLETE.value:
                operator.store.request_rollback("payments failing on green")
            return super().up(on_output=on_output, message=message)

    holder = build_controller(
        settings,
        Deployment.from_flat(env.outputs),
        env.clients,
        clock,
        stack_name="prod",
        work_dir=Path("/srv/tap"),
        owner="holder",
        stack_factory=lambda name, work_dir: RequestDuringUp(env, name, work_dir),
        latency_stat="Maximum",
        switch_probe=lambda: SWITCHED,
    )
    with pytest.raises(RolledBack, match="rollback requested"):
        holder.advance()
    assert env.weights() == {"blue": 100, "green": 0}
    assert env.deployed_phase() == Phase.BLUE_GREEN.value
    assert not holder.store.rollback_request().active


def pause_when_bake_ends(ctl: Controller, phase: Phase) -> None:
    def progress(tick: BakeTick) -> None:
        if tick.phase == phase and tick.elapsed >= tick.total:
            ctl.store.set_paused(True, "on-call wants to look at 10 % first")

    ctl.progress = progress


def test_r15_2_a_pause_between_the_steps_of_advance_to_holds_the_weights(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    pause_when_bake_ends(ctl, Phase.TRAFFIC_SHIFT_10)
    with pytest.raises(Paused):
        ctl.advance(Phase.TRAFFIC_SHIFT_100)
    assert stand_in.weights() == {"blue": 90, "green": 10}
    assert [args for call, args in stand_in.pulumi_calls if call == "up"] == [("prod", "traffic-shift-10")]
