"""Issue 10: the path from dev in the plan's reachability matrix, and plan mutations that flip
exactly the cell of the resource they break."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from tap import aws_types as t
from tap.offline.plan import Plan, PlannedResource
from tap.offline.reachability import ALB, APP, DB, DEV_APP, DEV_DB, INTERNET, NO, YES, from_plan, matrix
from tap.phases import Phase
from tap.policies.verify import required_endpoints
from tests.reachability.test_plan import _replace

PHASE = Phase.REPLICATE


def answers(plan: Plan) -> dict[tuple[str, str, int], str]:
    return {(c.source, c.dest, c.port): c.actual for c in matrix(from_plan(plan), required_endpoints(plan))}


def _without(plan: Plan, match: Callable[[PlannedResource], bool]) -> Plan:
    kept = tuple(r for r in plan.resources if not match(r))
    assert len(kept) < len(plan.resources), "nothing removed"
    return dataclasses.replace(plan, resources=kept)


def test_dev_cells_in_the_plan(plans: Callable[[Phase], Plan]) -> None:
    a = answers(plans(PHASE))
    assert a[(DEV_APP, DB, 3306)] == YES
    assert a[(DB, DEV_DB, 3306)] == YES and a[(DEV_DB, DB, 3306)] == YES
    assert a[(DEV_APP, APP, 8080)] == NO and a[(DEV_APP, ALB, 443)] == NO and a[(DEV_DB, APP, 8080)] == NO
    assert a[(INTERNET, APP, 8080)] == NO and a[(INTERNET, DB, 3306)] == NO


def test_dev_cells_are_absent_once_dev_is_unlinked(plans: Callable[[Phase], Plan]) -> None:
    assert not [k for k in answers(plans(Phase.COMPLETE)) if DEV_APP in k or DEV_DB in k]


def _rule(name: str) -> Callable[[PlannedResource], bool]:
    return lambda r: r.type in t.SG_RULES and r.name == f"prod-{name}-pay01"


DEV_PATH = {(DEV_APP, DB, 3306): NO, (DEV_DB, DB, 3306): NO, (DB, DEV_DB, 3306): NO}
MUTATIONS: list[tuple[str, Callable[[Plan], Plan], dict[tuple[str, str, int], str]]] = [
    ("peering removed", lambda p: _without(p, lambda r: r.type == t.VPC_PEERING), DEV_PATH),
    (
        "prod routes to dev removed",
        lambda p: _without(p, lambda r: r.type == t.ROUTE and "to-dev-route" in r.name),
        DEV_PATH,
    ),
    (
        "dev routes to prod removed",
        lambda p: _without(p, lambda r: r.type == t.ROUTE and "dev-to-prod-route" in r.name),
        DEV_PATH,
    ),
    (
        "prod DB rule for dev's app removed",
        lambda p: _without(p, _rule("db-from-dev-app")),
        {(DEV_APP, DB, 3306): NO},
    ),
    (
        "prod DB rule for dev's DB removed",
        lambda p: _without(p, _rule("db-from-dev-db")),
        {(DEV_DB, DB, 3306): NO},
    ),
    (
        "prod DB egress to dev's DB removed",
        lambda p: _without(p, _rule("db-to-dev-db")),
        {(DB, DEV_DB, 3306): NO},
    ),
    (
        "dev DB ingress from prod removed",
        lambda p: _without(p, _rule("dev-db-from-db")),
        {(DB, DEV_DB, 3306): NO},
    ),
    (
        "prod app admits dev's app group",
        lambda p: _replace(
            p,
            lambda r: r.type == t.INGRESS_RULE and r.name == "prod-app-from-alb-pay01",
            referencedSecurityGroupId=p.settings.dev_network.dev_app_security_group_id,
        ),
        # The ALB no longer reaches the app either: the rule now names dev's group instead.
        {(DEV_APP, APP, 8080): YES, (ALB, APP, 8080): NO},
    ),
]


@pytest.mark.parametrize(
    ("mutate", "flipped"), [(m[1], m[2]) for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_each_part_of_the_path_flips_its_own_cells(
    plans: Callable[[Phase], Plan], mutate: Callable[[Plan], Plan], flipped: dict[tuple[str, str, int], str]
) -> None:
    before = answers(plans(PHASE))
    after = answers(mutate(plans(PHASE)))
    assert {k: v for k, v in after.items() if before[k] != v} == flipped


def test_a_dev_route_to_the_whole_prod_vpc_exposes_nothing_without_a_way_back(
    plans: Callable[[Phase], Plan],
) -> None:
    """Routes are checked both ways: widening dev's side alone opens no new path (the public
    route table has no route to dev), which is why the stack routes private subnets only."""
    plan = plans(PHASE)
    first = next(r for r in plan.of_type(t.ROUTE) if "dev-to-prod-route" in r.name)
    wider = _replace(
        plan, lambda r: r.name == first.name, destinationCidrBlock=plan.settings.network.vpc_cidr
    )
    assert answers(wider) == answers(plan)
