"""Alarms that cannot say anything (review of issue 6; SPEC R15.1): an alarm that disappeared
or stopped evaluating is inconclusive during a bake too, never a pass (the gate itself:
test_gates.py)."""

from __future__ import annotations

import pytest

from tap.emulator.stand_in import StandIn
from tap.migration.errors import Paused
from tap.migration.records import Outcome
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


def test_r15_1_an_alarm_deleted_mid_bake_pauses_instead_of_passing(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    cw = stand_in.clients.client("cloudwatch")
    deleted = stand_in.alarm_name("green_5xx")
    stand_in.clock.at(65.0, lambda: cw.delete_alarms(AlarmNames=[deleted]))
    ctl = make_controller(stand_in)
    with pytest.raises(Paused, match=deleted):
        ctl.advance()
    history = [(e.to_phase, e.outcome) for e in ctl.store.history()]
    assert ("traffic-shift-10", Outcome.SUCCEEDED) not in history
    assert history[-1] == ("traffic-shift-10", "paused")
    assert stand_in.weights() == {"blue": 90, "green": 10}  # held, not judged, not rolled back
