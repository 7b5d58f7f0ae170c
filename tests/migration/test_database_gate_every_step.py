""" "Both fleets on the prod DB" is a preflight gate of every step that sends green traffic
(SPEC R15.1), not only of the first: a dev instance that comes back on the dev database at
10 % must stop the move to 50 % (review of issue 6)."""

from __future__ import annotations

import pytest

from tap.migration.errors import GateFailed
from tap.phases import Phase
from tap.replication.gate import SwitchObservation
from tests.migration.conftest import SWITCHED, make_controller
from tests.migration.env import StandIn

pytestmark = pytest.mark.moto


def test_r15_1_dev_database_writes_during_10_percent_stop_the_step_to_50(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    # dev fenced before the first green traffic, then unlocked by hand with a session open.
    seen = [SWITCHED, SwitchObservation(("app@%",), 3, False, True)]
    ctl = make_controller(stand_in, switch_probe=lambda: seen.pop(0) if len(seen) > 1 else seen[0])
    with pytest.raises(GateFailed, match="database"):
        ctl.advance(Phase.TRAFFIC_SHIFT_50)
    assert stand_in.weights() == {"blue": 90, "green": 10}
    history = [(e.to_phase, e.outcome) for e in ctl.store.history()]
    assert history[-1] == ("traffic-shift-50", "refused")
