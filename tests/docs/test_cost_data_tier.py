"""Issue 10: the data tier in `tap cost`: the seed replica while it exists, the peering's
cross-AZ transfer while dev is linked, the replication secret."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tap.cost.assumptions import Assumptions
from tap.cost.estimate import estimate
from tap.cost.prices import load
from tap.offline.plan import Plan
from tap.phases import PHASES, Phase

PRICES, ASSUME = load(), Assumptions()


def items(plan: Plan) -> dict[str, float]:
    return {ln.item: ln.monthly_usd for ln in estimate(plan, PRICES, ASSUME).lines}


def test_seed_replica_is_priced_at_devs_class_only_while_it_exists(plans: Callable[[Phase], Plan]) -> None:
    for phase in PHASES:
        plan = plans(phase)
        found = [k for k in items(plan) if k.startswith("seed replica ")]
        assert bool(found) == plan.settings.phase_plan.seed_replica, phase
    seed = items(plans(Phase.SEED))
    dev_class = next(r for r in plans(Phase.SEED).resources if r.read).outputs["instanceClass"]
    assert seed[f"seed replica {dev_class} (seeding phases only)"] == pytest.approx(
        730 * PRICES.rds_hourly(dev_class, False)
    )
    # The replica is not priced as a production instance (Multi-AZ, managed secret).
    assert not [k for k in seed if k.startswith("RDS MySQL")]


def test_peering_transfer_is_priced_both_ways_while_dev_is_linked(plans: Callable[[Phase], Plan]) -> None:
    linked = items(plans(Phase.REPLICATE))["VPC peering with dev (cross-AZ share, both directions)"]
    assert linked == pytest.approx(ASSUME.peering_gb_per_month * 2 * 0.01)
    assert "VPC peering with dev (cross-AZ share, both directions)" not in items(plans(Phase.COMPLETE))
    assert "Secrets Manager (replication user)" in items(plans(Phase.INITIAL))
