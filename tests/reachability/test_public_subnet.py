"""One definition of "public subnet" (issue 15): the stack rules and the reachability matrix
ask the same model, so a subnet the matrix calls reachable from the internet is one the
fleets/database rules refuse. Two /1 routes to the internet gateway expose a subnet as fully as
one 0.0.0.0/0; the rules used to accept them (they looked only for the default route)."""

from __future__ import annotations

import dataclasses

from tap import aws_types as t
from tap.network.model import APP
from tap.network.plan import from_plan
from tap.network.reachability import INTERNET, NO, answer
from tap.offline.plan import Plan, PlannedResource
from tap.phases import Phase
from tap.policies.relationships import public_subnets
from tap.policies.rules import as_stack
from tap.policies.runner import check_plan, stack_args
from tests.conftest import plan_of


def _halves_to_igw(plan: Plan) -> Plan:
    """Every NAT default route becomes 0.0.0.0/1 to the internet gateway, plus 128.0.0.0/1."""
    igw = plan.of_type(t.INTERNET_GATEWAY)[0].id
    out: list[PlannedResource] = []
    for r in plan.resources:
        if r.type == t.ROUTE and r.inputs.get("natGatewayId"):
            for half in ("0.0.0.0/1", "128.0.0.0/1"):
                inputs = {k: v for k, v in r.inputs.items() if k != "natGatewayId"}
                inputs |= {"destinationCidrBlock": half, "gatewayId": igw}
                out.append(
                    dataclasses.replace(
                        r,
                        name=f"{r.name}-{half}",
                        urn=f"{r.urn}-{half}",
                        inputs=inputs,
                        outputs={**inputs, "id": r.id},
                    )
                )
        else:
            out.append(r)
    return dataclasses.replace(plan, resources=tuple(out))


def _rule_view(plan: Plan) -> tuple[set[str], set[str]]:
    return public_subnets(as_stack(stack_args(plan.resources)))


def test_rules_and_matrix_agree_on_which_subnets_are_public() -> None:
    for plan in (plan_of(Phase.TRAFFIC_SHIFT_10), _halves_to_igw(plan_of(Phase.TRAFFIC_SHIFT_10))):
        model = from_plan(plan)
        public, known = _rule_view(plan)
        assert known and known <= set(model.subnet_route_table)  # the matrix adds dev's stand-ins
        assert public == {s for s in known if model.subnet_is_public(s)}


def test_two_half_routes_to_the_igw_make_the_private_subnets_public_for_the_rules_too() -> None:
    exposed = _halves_to_igw(plan_of(Phase.TRAFFIC_SHIFT_10))
    public, known = _rule_view(exposed)
    assert public == known  # every associated subnet now routes public ranges to the IGW
    assert "fleets-in-private-subnets" in check_plan(exposed).failed_rules()
    assert "db-subnet-group-private-only" in check_plan(exposed).failed_rules()
    # The matrix already said so: the fleets' egress now goes to the internet gateway, which
    # drops it (no public address), instead of through their AZ's NAT gateway.
    assert answer(from_plan(exposed), APP, INTERNET, 443) == NO
