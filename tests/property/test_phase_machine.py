"""SPEC R11, R17.2: properties of the phase machine over every phase and any valid sizes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap.errors import PhaseError
from tap.phase_plan import Capacity, FleetSizes, Weights, plan_for
from tap.phases import (
    PHASES,
    TRAFFIC_PHASES,
    Phase,
    SystemOfRecord,
    TransitionKind,
    classify_transition,
    next_phase,
    parse_phase,
    path_to,
)

phases = st.sampled_from(PHASES)


@st.composite
def fleet_sizes(draw: st.DrawFn) -> FleetSizes:
    lo = draw(st.integers(1, 20))
    hi = draw(st.integers(lo, 50))
    desired = draw(st.integers(lo, hi))
    return FleetSizes(Capacity(lo, hi, desired), draw(st.integers(0, 10)))


@given(phases, fleet_sizes())
def test_weights_sum_to_100_and_are_never_both_zero(phase: Phase, sizes: FleetSizes) -> None:
    w = plan_for(phase, sizes).weights
    assert w.blue + w.green == 100
    assert (w.blue, w.green) != (0, 0)


@given(st.integers(-5, 105), st.integers(-5, 105))
def test_weights_object_refuses_out_of_range_or_all_zero(blue: int, green: int) -> None:
    valid = 0 <= blue <= 100 and 0 <= green <= 100 and (blue, green) != (0, 0)
    if valid:
        assert Weights(blue, green).green == green
    else:
        with pytest.raises(PhaseError):
            Weights(blue, green)


def test_forward_path_reaches_complete_in_eight_steps() -> None:
    phase: Phase | None = Phase.INITIAL
    steps = 0
    while phase is not None and phase != Phase.COMPLETE:
        phase = next_phase(phase)
        steps += 1
    assert phase == Phase.COMPLETE and steps == 8
    assert path_to(Phase.INITIAL, Phase.COMPLETE) == PHASES[1:]


def test_green_weight_follows_the_spec_table() -> None:
    sizes = FleetSizes(Capacity(3, 9, 3), 3)
    greens = [plan_for(p, sizes).weights.green for p in PHASES]
    assert greens == [0, 0, 0, 0, 0, 10, 50, 100, 100]
    assert [plan_for(p, sizes).dev_record for p in PHASES] == [True] * 8 + [False]


@given(phases, fleet_sizes())
def test_green_weight_never_decreases_going_forward(phase: Phase, sizes: FleetSizes) -> None:
    nxt = next_phase(phase)
    if nxt is not None:
        assert plan_for(nxt, sizes).weights.green >= plan_for(phase, sizes).weights.green


@given(phases, fleet_sizes())
def test_every_rollback_target_is_an_earlier_traffic_phase(phase: Phase, sizes: FleetSizes) -> None:
    plan = plan_for(phase, sizes)
    for target in plan.rollback_targets:
        assert target.order < phase.order and target in TRAFFIC_PHASES
    if plan.rollback_target is not None:
        assert plan.rollback_target in plan.rollback_targets
        assert plan_for(plan.rollback_target, sizes).weights.green == 0


@given(phases, phases)
def test_transitions_are_one_step_forward_or_back_to_a_traffic_phase(a: Phase, b: Phase) -> None:
    if b.order == a.order + 1:
        assert classify_transition(a, b) is TransitionKind.ADVANCE
    elif b in TRAFFIC_PHASES and b.order < a.order:
        assert classify_transition(a, b) is TransitionKind.ROLLBACK
    else:
        with pytest.raises(PhaseError, match="allowed from"):
            classify_transition(a, b)


@given(phases, fleet_sizes())
def test_no_green_traffic_unless_prod_is_the_system_of_record(phase: Phase, sizes: FleetSizes) -> None:
    """R5.6: the two fleets never write to two databases: green takes traffic only once both
    fleets are on the prod database."""
    plan = plan_for(phase, sizes)
    if plan.weights.green > 0:
        assert plan.system_of_record is SystemOfRecord.PROD
        assert plan.prod_database


@given(phases, fleet_sizes())
def test_capacities_come_from_sizes_and_green_runs_only_with_a_database(
    phase: Phase, sizes: FleetSizes
) -> None:
    plan = plan_for(phase, sizes)
    assert plan.blue_capacity == Capacity(0, sizes.blue_standby_max, 0)
    if plan.green_capacity.desired > 0:
        assert plan.prod_database
        assert plan.green_capacity == sizes.green_active
    assert plan.multi_az == (phase.order >= Phase.REPLICATE.order)


@given(st.text(max_size=20))
def test_unknown_phase_names_list_the_valid_ones(name: str) -> None:
    if name in {p.value for p in PHASES}:
        assert parse_phase(name).value == name
    else:
        with pytest.raises(PhaseError, match="initial, seed, snapshot, replicate, blue-green"):
            parse_phase(name)


# ---- the data tier (issue 10) -------------------------------------------------------------------
def test_data_tier_phases_in_order() -> None:
    sizes = FleetSizes(Capacity(3, 9, 3), 3)
    plans = [plan_for(p, sizes) for p in PHASES]
    assert [p.seed_replica for p in plans] == [False, True, True] + [False] * 6
    assert [p.snapshot_chain for p in plans] == [False, False] + [True] * 7
    assert [p.replicates_from_dev for p in plans] == [False] * 3 + [True] + [False] * 5
    assert [p.requires_writer_switch for p in plans] == [False] * 4 + [True] * 5
    assert [p.system_of_record.value for p in plans] == ["dev"] * 3 + ["switching"] + ["prod"] * 5
    assert [p.dev_link for p in plans] == [True] * 8 + [False]


@given(phases, fleet_sizes())
def test_green_traffic_only_after_the_writer_switch(phase: Phase, sizes: FleetSizes) -> None:
    """The controller's database gate asks requires_writer_switch before every green step:
    green never takes traffic while dev may still be the writer."""
    plan = plan_for(phase, sizes)
    if plan.green_runs or plan.weights.green > 0:
        assert plan.requires_writer_switch
        assert not plan.replicates_from_dev
        assert plan.system_of_record is SystemOfRecord.PROD


@given(phases, fleet_sizes())
def test_the_snapshot_is_always_of_an_existing_replica_and_replication_has_a_target(
    phase: Phase, sizes: FleetSizes
) -> None:
    plan = plan_for(phase, sizes)
    # The phase that takes the snapshot still has the replica it is taken of.
    if plan.snapshot_chain and not plan_for(PHASES[phase.order - 1], sizes).snapshot_chain:
        assert plan.seed_replica
    if plan.replicates_from_dev:
        assert plan.prod_database and plan.dev_link and plan.multi_az
    if plan.seed_replica:
        assert plan.dev_link and not plan.requires_writer_switch
    if plan.needs_seed_coordinates:
        assert plan.snapshot_chain


@given(phases)
def test_rollbacks_never_land_before_the_writer_switch(phase: Phase) -> None:
    """Going back before `blue-green` would hand the writer back by a phase change; that is
    `tap db fallback`'s job, fenced, never a `pulumi up`."""
    sizes = FleetSizes(Capacity(3, 9, 3), 3)
    for target in plan_for(phase, sizes).rollback_targets:
        assert plan_for(target, sizes).requires_writer_switch
