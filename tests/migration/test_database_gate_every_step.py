""" "Both fleets on the prod DB" is a preflight gate of every step that sends green traffic
(SPEC R15.1), not only of the first: a dev instance that comes back on the dev database at
10 % must stop the move to 50 % (review of issue 6)."""

from __future__ import annotations

import pytest

from tap.emulator.stand_in import StandIn
from tap.migration.errors import GateFailed
from tap.phases import Phase
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


def test_r15_1_dev_database_writes_during_10_percent_stop_the_step_to_50(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)  # dev database idle before the first green traffic...
    stand_in.feed_metrics(60, start_minute=2, dev_connections=3, alb=False)  # ...then written again
    ctl = make_controller(stand_in)
    with pytest.raises(GateFailed, match="database"):
        ctl.advance(Phase.TRAFFIC_SHIFT_50)
    assert stand_in.weights() == {"blue": 90, "green": 10}
    history = [(e.to_phase, e.outcome) for e in ctl.store.history()]
    assert history[-1] == ("traffic-shift-50", "refused")
