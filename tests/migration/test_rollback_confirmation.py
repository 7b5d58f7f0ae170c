"""A rollback counts only when the weights read back (review of issue 6; SPEC R15.2): never
`rolled-back` in the history while Route53 answers otherwise, and never a hand-off that ends
with nobody moving the weights."""

from __future__ import annotations

from typing import Any

import pytest

from tap.emulator.stand_in import StandIn
from tap.migration.errors import ApplyFailed
from tap.migration.records import Outcome
from tap.phases import Phase
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


class OverwrittenRoute53:
    """The real client, but after every weight change an update still in flight writes 90/10
    again: the rollback never reads back, however often it retries."""

    def __init__(self, real: Any, env: StandIn) -> None:
        self._real, self._env = real, env

    def change_resource_record_sets(self, **kwargs: Any) -> Any:
        answer = self._real.change_resource_record_sets(**kwargs)
        self._env.deploy_phase(Phase.TRAFFIC_SHIFT_10)
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_r15_2_weights_that_do_not_read_back_are_not_recorded_as_rolled_back(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    ctl.emergency.route53 = OverwrittenRoute53(ctl.emergency.route53, stand_in)
    stand_in.clock.at(125.0, lambda: stand_in.set_alarm("green_5xx", "ALARM"))
    with pytest.raises(ApplyFailed, match="NOT confirmed: gave up at the rollback deadline"):
        ctl.advance()
    assert all(e.outcome != Outcome.ROLLED_BACK for e in ctl.store.history())
    assert ctl.store.rollback_request().active  # the next advance must finish it first


def test_r15_2_a_holder_that_takes_the_request_and_dies_does_not_swallow_the_rollback(
    stand_in: StandIn,
) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    holder = make_controller(stand_in, owner="baker")
    holder.store.acquire()
    stand_in.clock.at(5.0, lambda: holder.store.take_rollback_request())  # ...then the laptop died
    operator = make_controller(stand_in, owner="operator")
    report = operator.rollback("pager")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert report.rollback is not None and report.rollback.weights == {"blue": 100, "green": 0}
