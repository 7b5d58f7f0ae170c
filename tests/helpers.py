"""Small readers over a Plan for tests: follow ids between resources."""

from __future__ import annotations

from typing import Any

from tap.offline.plan import Plan, PlannedResource

SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
RTA = "aws:ec2/routeTableAssociation:RouteTableAssociation"
NAT = "aws:ec2/natGateway:NatGateway"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def sg_named(plan: Plan, service: str) -> PlannedResource:
    suffix = plan.settings.core.environment_suffix
    return plan.one(SG, f"prod-{service}-{suffix}")


def rules_of(plan: Plan, typ: str, sg: PlannedResource) -> list[PlannedResource]:
    return [r for r in plan.of_type(typ) if r.get("securityGroupId") == sg.id]


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in leaves(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in leaves(v)]
    return [value]
