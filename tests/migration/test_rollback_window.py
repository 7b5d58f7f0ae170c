"""The rollback window before `complete` counts from the latest time 100 % started holding
(review of issue 6): a hold that ended in a rollback does not count for a later return."""

from __future__ import annotations

import pytest

from tap.aws_clients import AwsClients
from tap.emulator.seed import build_stand_in
from tap.migration.clock import ManualClock
from tap.migration.errors import GateFailed
from tap.phases import Phase
from tap.settings import Settings
from tests.migration.conftest import deployed_plan, make_controller

pytestmark = pytest.mark.moto


def test_issue6_a_rollback_restarts_the_rollback_window(
    aws: AwsClients, settings: Settings, clock: ManualClock
) -> None:
    env = build_stand_in(aws, deployed_plan(Phase.TRAFFIC_SHIFT_100), clock)
    env.feed_metrics(60)
    ctl = make_controller(env)
    ctl.store.append("traffic-shift-50", "traffic-shift-100", "succeeded", "baked")
    clock.sleep(settings.migration.rollback_window_seconds)
    ctl.store.append("traffic-shift-100", "blue-green", "rolled-back", "payments failing")
    ctl.store.append("traffic-shift-100", "blue-green", "reconciled", "pulumi up blue-green")
    # Minutes later someone puts 100 % back by hand (`pulumi config set` + `pulumi up`).
    clock.sleep(300)
    env.deploy_phase(Phase.TRAFFIC_SHIFT_100)

    with pytest.raises(GateFailed, match="rollback-window"):
        ctl.advance()
    assert env.weights() == {"blue": 0, "green": 100}  # the dev record stays, warm
