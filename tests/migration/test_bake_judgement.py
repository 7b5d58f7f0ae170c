"""A bake ends only on a passing analysis: a phase is never judged healthy on a failing or
missing measurement (review of issue 6; SPEC R15.1)."""

from __future__ import annotations

import pytest

from tap.emulator.stand_in import StandIn
from tap.migration.errors import RolledBack
from tap.migration.records import Outcome
from tap.offline.config_file import load_values
from tap.phases import Phase
from tap.settings import parse
from tests.conftest import EXAMPLE
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


def test_r15_1_a_failing_last_analysis_is_not_judged_healthy(stand_in: StandIn) -> None:
    """bake 180 s, interval 60 s, limit 2: analyses at 60 and 120 pass, the one at 180 fails.
    The bake must go on until the failure limit rolls back, not record `succeeded`."""
    stand_in.feed_metrics(2)  # minutes -10..1: clean
    stand_in.feed_metrics(60, start_minute=2, errors=50)  # from minute 2: 5 % errors > 1 %
    ctl = make_controller(stand_in)
    with pytest.raises(RolledBack, match="2 failed analyses"):
        ctl.advance()
    history = [(e.to_phase, e.outcome) for e in ctl.store.history()]
    assert (Phase.TRAFFIC_SHIFT_10.value, Outcome.SUCCEEDED) not in history
    assert stand_in.weights() == {"blue": 100, "green": 0}


def test_r15_1_a_bake_shorter_than_the_analysis_interval_still_needs_a_passing_analysis(
    stand_in: StandIn,
) -> None:
    """The settings allow bakeSeconds 120 with analysisIntervalSeconds 200: the bake would end
    before any analysis ran, and `succeeded` would rest on no data at all."""
    stand_in.settings = parse({**load_values(EXAMPLE), "bakeSeconds": 120, "analysisIntervalSeconds": 200})
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    ctl.advance()
    succeeded = [e for e in ctl.store.history() if e.outcome == Outcome.SUCCEEDED]
    assert len(succeeded) == 1
    analyses = [g for g in succeeded[0].gates if g["gate"] == "analysis"]
    assert analyses and all(g["verdict"] == "pass" for g in analyses)
    assert stand_in.clock.elapsed >= 200
