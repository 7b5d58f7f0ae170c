"""After a rollback, green gets traffic again only after a human said so (review of issue 6;
SPEC R15.2): a re-run `advance` (a pipeline retry, a second terminal) must not send payments
straight back to the fleet whose bake just failed."""

from __future__ import annotations

import pytest

from tap.emulator.stand_in import StandIn
from tap.migration.errors import Paused, RolledBack
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


def test_r15_2_an_automatic_rollback_holds_until_a_human_resumes(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    stand_in.clock.at(125.0, lambda: stand_in.set_alarm("green_5xx", "ALARM"))
    with pytest.raises(RolledBack):
        make_controller(stand_in).advance()
    stand_in.set_alarm("green_5xx", "OK")  # traffic drained from green, so its alarm clears

    with pytest.raises(Paused, match="rolled back"):
        make_controller(stand_in, owner="pipeline-retry").advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}

    make_controller(stand_in, owner="human").resume("fixed the build, redeployed green")
    report = make_controller(stand_in, owner="human").advance()
    assert report.end_phase == "traffic-shift-10"


def test_r15_2_an_alarm_rolls_back_even_when_an_operator_paused_at_the_same_time(
    stand_in: StandIn,
) -> None:
    """The on-call sees red dashboards and runs `pause` to look; the alarm fires by the same
    tick. A pause holds the weights, but never against a firing alarm: rollback wins."""
    stand_in.feed_metrics(60)
    operator = make_controller(stand_in, owner="operator")

    def red_dashboards() -> None:
        operator.pause("dashboards red, looking")
        stand_in.set_alarm("green_5xx", "ALARM")

    stand_in.clock.at(125.0, red_dashboards)
    with pytest.raises(RolledBack):
        make_controller(stand_in).advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
