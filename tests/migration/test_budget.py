"""The migration plan and rollback budget, from the phase machine and settings (no AWS)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tap.errors import PhaseError
from tap.migration.budget import (
    MAX_ROLLBACK_SECONDS,
    ROUTE53_PROPAGATION_SECONDS,
    build_plan,
    check_budget,
    full_plan,
    rollback_budget,
)
from tap.migration.errors import MigrationInputError
from tap.offline.config_file import load_values
from tap.phase_plan import plan_for
from tap.phases import PHASES, TRAFFIC_PHASES, Phase
from tap.settings import Settings, parse
from tests.conftest import EXAMPLE


def with_values(**overrides: object) -> Settings:
    return parse({**load_values(EXAMPLE), **overrides})


def test_r15_2_budget_is_interval_times_failures_plus_propagation_plus_ttl() -> None:
    b = rollback_budget(with_values(analysisIntervalSeconds=120, analysisFailureLimit=3, dnsTtlSeconds=30))
    assert b.detection_seconds == 360
    # tick 10 s + the 300 s lease a dead holder keeps + the 120 s INSYNC wait the code allows
    assert b.total_seconds == 360 + 10 + 300 + 2 * ROUTE53_PROPAGATION_SECONDS + 30
    assert b.within_limit
    assert "120 s interval x 3 failures" in b.formula() and str(b.total_seconds) in b.formula()


def test_r15_2_example_budget_counts_tick_dead_lease_and_insync_wait() -> None:
    b = rollback_budget(with_values())
    assert b.total_seconds == 60 * 2 + 10 + 300 + 120 + 60 == 610
    for term in ("10 s tick", "300 s lease a dead holder keeps", "120 s Route53 INSYNC wait"):
        assert term in b.formula()
    # The in-AWS guard moves the weights on an alarm with no controller alive: no dead lease.
    guarded = rollback_budget(with_values(), guarded=True)
    assert guarded.total_seconds == 610 - 300 and "rollback guard armed" in guarded.formula()
    # A rollback keeps trying as long as the 15-minute promise can still be kept for clients.
    assert b.weights_deadline_seconds == 900 - 120 - 10 - 60


@hypothesis_settings(deadline=None, max_examples=50)  # parsing settings takes ms under load
@given(interval=st.integers(60, 300), limit=st.integers(1, 10), ttl=st.integers(1, 60))
def test_r15_2_a_plan_over_15_minutes_is_refused_and_one_within_is_not(
    interval: int, limit: int, ttl: int
) -> None:
    b = rollback_budget(
        with_values(analysisIntervalSeconds=interval, analysisFailureLimit=limit, dnsTtlSeconds=ttl)
    )
    total = interval * limit + 10 + 300 + 2 * ROUTE53_PROPAGATION_SECONDS + ttl
    if total > MAX_ROLLBACK_SECONDS:
        with pytest.raises(MigrationInputError, match="exceeds the limit"):
            check_budget(b)
    else:
        check_budget(b)


def test_issue6_plan_weights_come_from_the_phase_machine_and_bake_at_least_twice_ttl() -> None:
    s = with_values()
    plan = full_plan(s)
    assert [st.phase for st in plan.steps] == list(PHASES[1:])
    for step in plan.steps:
        expected = plan_for(step.phase, s.fleet_sizes)
        assert step.green == expected.weights.green
        assert step.blue == (expected.weights.blue if expected.dev_record else None)
        if step.green > 0 and step.phase in TRAFFIC_PHASES:
            assert step.bake_seconds >= 2 * s.dns.record_ttl and "analysis" in step.gates
        else:
            assert step.bake_seconds == 0


def test_r15_1_database_gate_runs_from_blue_green_while_dev_routes() -> None:
    steps = full_plan(with_values()).steps
    with_db = [s.phase for s in steps if "database" in s.gates]
    assert with_db[0] == Phase.BLUE_GREEN  # issue 10: blue-green requires the writer switch done
    assert with_db[1:] == [s.phase for s in steps if s.green > 0 and s.blue is not None]
    assert len(with_db) == 4  # blue-green, 10, 50 and 100 %


def test_issue6_only_the_step_that_removes_the_dev_record_waits_for_the_rollback_window() -> None:
    steps = full_plan(with_values()).steps
    waiting = [s for s in steps if "rollback-window" in s.gates]
    assert len(waiting) == 1 and waiting[0].blue is None


def test_r15_3_advance_to_an_earlier_phase_is_refused_by_the_phase_machine() -> None:
    with pytest.raises(PhaseError, match="not ahead"):
        build_plan(with_values(), Phase.TRAFFIC_SHIFT_50, Phase.TRAFFIC_SHIFT_10)


def test_r15_1_default_advance_is_one_step() -> None:
    plan = build_plan(with_values(), Phase.BLUE_GREEN)
    assert [s.phase for s in plan.steps] == [Phase.TRAFFIC_SHIFT_10]
    assert build_plan(with_values(), Phase.COMPLETE).steps == ()
