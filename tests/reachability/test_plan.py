"""SPEC R14.2: the reachability matrix of the plan the program declares, and mutated plans that
flip the right cell (and that the policy rules catch too)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from tap import aws_types as t
from tap.offline.plan import Plan, PlannedResource
from tap.offline.reachability import ALB, APP, DB, INTERNET, NO, OTHER, VIA_NAT, YES, from_plan, matrix
from tap.phases import Phase
from tap.policies.offline import check_plan
from tap.policies.verify import required_endpoints, verify_plan

PHASE = Phase.TRAFFIC_SHIFT_10


def answers(plan: Plan) -> dict[tuple[str, str, int], str]:
    return {(c.source, c.dest, c.port): c.actual for c in matrix(from_plan(plan), required_endpoints(plan))}


def test_r14_2_plan_matrix_is_as_expected_in_every_phase(any_phase_plan: Plan) -> None:
    result = verify_plan(any_phase_plan)
    assert [f"{c.question}: {c.actual}" for c in result.wrong_cells] == []
    assert result.ok


def test_r14_2_plan_places_alb_fleets_and_database(plans: Callable[[Phase], Plan]) -> None:
    model = from_plan(plans(PHASE))
    assert model.placements[ALB] and model.placements[APP] and model.placements[DB]
    private = {
        r.id for r in plans(PHASE).of_type(t.SUBNET) if r.inputs.get("tags", {}).get("Tier") == "private"
    }
    assert all(set(p.subnet_ids) <= private for p in model.placements[APP] + model.placements[DB])
    assert not any(p.public_address for p in model.placements[APP] + model.placements[DB])


def _replace(plan: Plan, match: Callable[[PlannedResource], bool], **inputs: Any) -> Plan:
    found = [r for r in plan.resources if match(r)]
    assert found, "nothing to mutate"
    out = []
    for r in plan.resources:
        if r in found:
            new_inputs = {k: v for k, v in {**r.inputs, **inputs}.items() if v is not None}
            r = dataclasses.replace(r, inputs=new_inputs, outputs={**r.outputs, **new_inputs})
        out.append(r)
    return dataclasses.replace(plan, resources=tuple(out))


def _add(plan: Plan, typ: str, name: str, inputs: dict[str, Any]) -> Plan:
    template = plan.of_type(t.INGRESS_RULE)[0]
    extra = dataclasses.replace(
        template,
        urn=template.urn.rsplit("::", 1)[0] + "::" + name,
        name=name,
        type=typ,
        id=f"sgr-{name}",
        inputs=inputs,
        outputs={**inputs, "id": f"sgr-{name}"},
    )
    return dataclasses.replace(plan, resources=(*plan.resources, extra))


def _db_group(plan: Plan) -> str:
    db = next(r for r in plan.of_type(t.RDS_INSTANCE) if not r.read)
    return str(db.inputs["vpcSecurityGroupIds"][0])


def open_db_group(plan: Plan) -> Plan:
    return _add(
        plan,
        t.INGRESS_RULE,
        "db-open-to-world",
        {
            "securityGroupId": _db_group(plan),
            "ipProtocol": "tcp",
            "fromPort": 3306.0,
            "toPort": 3306.0,
            "cidrIpv4": "0.0.0.0/0",
            "description": "debugging",
        },
    )


def private_route_to_igw(plan: Plan) -> Plan:
    igw = plan.of_type(t.INTERNET_GATEWAY)[0].id
    first_nat_route = next(r for r in plan.of_type(t.ROUTE) if r.inputs.get("natGatewayId"))
    return _replace(plan, lambda r: r is first_nat_route, natGatewayId=None, gatewayId=igw)


def alb_on_port_80(plan: Plan) -> Plan:
    return _replace(
        plan,
        lambda r: r.type == t.INGRESS_RULE and r.inputs.get("cidrIpv4") == "0.0.0.0/0",
        fromPort=80.0,
        toPort=80.0,
    )


def app_open_to_vpc(plan: Plan) -> Plan:
    app_group = next(r for r in plan.of_type(t.INGRESS_RULE) if r.inputs.get("fromPort") == 8080.0)
    return _add(
        plan,
        t.INGRESS_RULE,
        "app-from-vpc",
        {
            **app_group.inputs,
            "referencedSecurityGroupId": None,
            "cidrIpv4": "10.0.0.0/16",
            "description": "any host in the VPC",
        },
    )


MUTATIONS = [
    ("DB group opened to 0.0.0.0/0", open_db_group, {(OTHER, DB, 3306): YES}, "internet-ingress-https-only"),
    (
        "private route to the IGW",
        private_route_to_igw,
        {(APP, INTERNET, 443): f"mixed: {NO}, {VIA_NAT}"},
        "fleets-in-private-subnets",
    ),
    (
        "ALB group on port 80",
        alb_on_port_80,
        {(INTERNET, ALB, 443): NO, (INTERNET, ALB, 80): YES},
        "internet-ingress-https-only",
    ),
    ("app open to the VPC", app_open_to_vpc, {(OTHER, APP, 8080): YES}, None),
]


@pytest.mark.parametrize(
    ("mutate", "flipped", "rule"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_r14_2_mutated_plan_flips_the_right_cell(
    plans: Callable[[Phase], Plan],
    mutate: Callable[[Plan], Plan],
    flipped: dict[tuple[str, str, int], str],
    rule: str | None,
) -> None:
    good = plans(PHASE)
    before, after = answers(good), answers(mutate(good))
    assert {k: v for k, v in after.items() if before[k] != v} == flipped
    result = verify_plan(mutate(good))
    assert not result.ok
    if rule is not None:
        assert rule in check_plan(mutate(good)).failed_rules()
