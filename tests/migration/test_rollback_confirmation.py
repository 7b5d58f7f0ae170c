"""A rollback counts only when the weights read back (review of issue 6; SPEC R15.2): never
`rolled-back` in the history while Route53 answers otherwise, and never a hand-off that ends
with nobody moving the weights."""

from __future__ import annotations

import pytest

from tap.migration.controller import ROLLED_BACK
from tap.migration.errors import ApplyFailed
from tap.phases import Phase, PhasePlan
from tests.migration.conftest import make_controller
from tests.migration.env import StandIn

pytestmark = pytest.mark.moto


def test_r15_2_weights_that_do_not_read_back_are_not_recorded_as_rolled_back(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    real_shift = ctl.emergency.shift

    def shift_then_overwritten(plan: PhasePlan) -> object:
        done = real_shift(plan)
        stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)  # an update still in flight writes 90/10 again
        return done

    ctl.emergency.shift = shift_then_overwritten  # type: ignore[method-assign]
    stand_in.clock.at(125.0, lambda: stand_in.set_alarm(0, "ALARM"))
    with pytest.raises(ApplyFailed, match="not confirmed"):
        ctl.advance()
    assert all(e.outcome != ROLLED_BACK for e in ctl.store.history())
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
    assert report.rollback is not None and report.rollback["weights"] == {"blue": 100, "green": 0}
