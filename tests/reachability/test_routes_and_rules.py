"""SPEC R1.2, R2, R14.2: how routes (peering default routes, more specific public routes, a NAT
in another zone) and group rules (prefix lists, single hosts) become reachability cells, each
as a mutation of the good network (and of the plan) that must flip exactly the right cell."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from tap import aws_types as t
from tap.network.model import ALB, APP, DB, NetworkModel, Route, Rule, Target
from tap.network.plan import from_plan
from tap.network.reachability import DIRECT, INTERNET, NO, OTHER, VIA_NAT, YES, matrix
from tap.offline.plan import Plan
from tap.phases import Phase
from tests.reachability.models import good_model


def cells(m: NetworkModel) -> dict[tuple[str, str, int], str]:
    return {(c.source, c.dest, c.port): c.actual for c in matrix(m, required=(ALB, APP, DB))}


def changed(mutate: Callable[[NetworkModel], None]) -> dict[tuple[str, str, int], str]:
    before = cells(good_model())
    broken = good_model()
    mutate(broken)
    return {k: v for k, v in cells(broken).items() if before[k] != v}


def test_r14_2_default_route_through_peering_is_not_reported_as_no_internet() -> None:
    """0.0.0.0/0 to a peering connection (or transit gateway, or endpoint) hands the traffic to
    a network this model cannot see: 'no' would be a claim it cannot make."""

    def via_peering(m: NetworkModel) -> None:
        m.egress["sg-db"].append(Rule("tcp", 443, 443, cidrs=("0.0.0.0/0",)))
        for table in ("rt-a", "rt-b"):
            kept = [r for r in m.routes[table] if r.destination != "0.0.0.0/0"]
            m.routes[table] = [*kept, Route("0.0.0.0/0", Target.OTHER, "pcx-1")]

    flipped = changed(via_peering)
    assert set(flipped) == {(APP, INTERNET, 443), (DB, INTERNET, 443)}
    assert all("pcx-1" in v and v != NO for v in flipped.values())


def test_r14_2_more_specific_public_route_to_the_igw_counts() -> None:
    """Two /1 routes to the internet gateway cover the internet as well as 0.0.0.0/0 does."""

    def halves(m: NetworkModel) -> None:
        m.placements[APP][0] = dataclasses.replace(m.placements[APP][0], public_address=True)
        m.placements[APP][1] = dataclasses.replace(m.placements[APP][1], public_address=True)
        for table in ("rt-a", "rt-b"):
            m.routes[table] = [
                *(r for r in m.routes[table] if r.destination != "0.0.0.0/0"),
                Route("0.0.0.0/1", Target.IGW, "igw-1"),
                Route("128.0.0.0/1", Target.IGW, "igw-1"),
            ]

    assert changed(halves) == {(APP, INTERNET, 443): DIRECT}


def _with_azs(m: NetworkModel) -> NetworkModel:
    m.subnet_az = {
        "pub-a": "us-east-1a",
        "priv-a": "us-east-1a",
        "pub-b": "us-east-1b",
        "priv-b": "us-east-1b",
    }
    return m


def test_r1_2_route_to_a_nat_in_another_az_is_flagged() -> None:
    """Each private subnet leaves through its own AZ's NAT, so losing one AZ never takes egress
    from the others; a route to the neighbour's NAT is a wrong cell, not 'via NAT'."""
    good = _with_azs(good_model())
    assert cells(good)[(APP, INTERNET, 443)] == VIA_NAT
    broken = _with_azs(good_model())
    broken.routes["rt-b"] = [Route("10.0.0.0/16", Target.LOCAL), Route("0.0.0.0/0", Target.NAT, "nat-a")]
    answer = cells(broken)[(APP, INTERNET, 443)]
    assert answer != VIA_NAT and "another AZ" in answer


def test_r2_3_prefix_list_rule_is_assumed_to_admit_anyone() -> None:
    """A prefix list's ranges are not in the stack; a rule naming one may admit the internet."""

    def db_from_prefix_list(m: NetworkModel) -> None:
        m.ingress["sg-db"].append(Rule("tcp", 3306, 3306, prefix_lists=("pl-office",)))
        m.placements[DB][0] = dataclasses.replace(
            m.placements[DB][0], subnet_ids=("pub-a",), public_address=True
        )

    flipped = changed(db_from_prefix_list)
    assert flipped[(INTERNET, DB, 3306)] == YES
    assert flipped[(OTHER, DB, 3306)] == YES


def test_r2_3_single_host_cidr_inside_the_vpc_reaches_the_database() -> None:
    """A /32 inside an app subnet is some other host of the VPC, not the app group."""

    def one_host(m: NetworkModel) -> None:
        m.ingress["sg-db"].append(Rule("tcp", 3306, 3306, cidrs=("10.0.11.25/32",)))

    assert changed(one_host) == {(OTHER, DB, 3306): YES}


def test_r14_2_plan_nat_route_to_another_az_and_peering_default_route(plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_10)
    model = from_plan(plan)
    assert set(model.subnet_az.values()) == set(plan.settings.network.availability_zones)
    nat_routes = [r for r in plan.of_type(t.ROUTE) if r.inputs.get("natGatewayId")]
    first_nat = nat_routes[0].inputs["natGatewayId"]
    moved = dataclasses.replace(nat_routes[1], inputs={**nat_routes[1].inputs, "natGatewayId": first_nat})
    crossed = dataclasses.replace(
        plan, resources=tuple(moved if r is nat_routes[1] else r for r in plan.resources)
    )
    answer = {(c.source, c.dest): c.actual for c in matrix(from_plan(crossed))}[(APP, INTERNET)]
    assert "another AZ" in answer

    peered_inputs = {k: v for k, v in nat_routes[0].inputs.items() if k != "natGatewayId"}
    peered = dataclasses.replace(
        nat_routes[0], inputs={**peered_inputs, "vpcPeeringConnectionId": "pcx-0abc"}
    )
    via_peer = dataclasses.replace(
        plan, resources=tuple(peered if r is nat_routes[0] else r for r in plan.resources)
    )
    answer = {(c.source, c.dest): c.actual for c in matrix(from_plan(via_peer))}[(APP, INTERNET)]
    assert "pcx-0abc" in answer
