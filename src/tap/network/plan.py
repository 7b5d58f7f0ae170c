"""The plan adapter: the network model from declared resources, as the offline plan records
them (`from_plan`, for the reachability matrix) or as a stack rule sees them (`routing`, for
"which subnets are public"). Both read Pulumi's input names; a resource's id is in its props."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tap import aws_types as t
from tap.network.dev import add_dev_from_plan
from tap.network.members import member_groups, template_groups
from tap.network.model import ALB, APP, DB, NetworkModel, Placement, Route, Rule, Target, route_target
from tap.network.sg_rules import ALL_RULE_TYPES, PlainResource, rule_views
from tap.offline.plan import Plan, PlannedResource
from tap.props import flag

# Route targets other than gateways and NAT gateways (aws.ec2.Route and inline routes).
OTHER_ROUTE_TARGETS = (
    "vpcPeeringConnectionId",
    "transitGatewayId",
    "vpcEndpointId",
    "networkInterfaceId",
    "egressOnlyGatewayId",
    "carrierGatewayId",
    "localGatewayId",
    "coreNetworkArn",
)


def _route(route: Mapping[str, Any], dest: Any, igws: set[Any]) -> Route:
    target, tid = route_target(
        gateway=route.get("gatewayId"),
        nat=route.get("natGatewayId"),
        peering=route.get("vpcPeeringConnectionId"),
        other=next((route[k] for k in OTHER_ROUTE_TARGETS if route.get(k)), None),
        igws=igws,
    )
    return Route(str(dest), target, tid)


def _subnets(model: NetworkModel, declared: list[PlainResource]) -> None:
    for s in (d for d in declared if d.type == t.SUBNET):
        model.subnet_cidrs[s.get("id")] = str(s.get("cidrBlock"))
        if s.get("availabilityZone"):
            model.subnet_az[s.get("id")] = str(s.get("availabilityZone"))
    for a in (d for d in declared if d.type == t.ROUTE_TABLE_ASSOCIATION):
        if isinstance(a.get("subnetId"), str) and a.get("subnetId"):
            model.subnet_route_table[a.get("subnetId")] = str(a.get("routeTableId"))
    for n in (d for d in declared if d.type == t.NAT_GATEWAY):
        model.nat_subnet[n.get("id")] = str(n.get("subnetId"))


def routing(resources: Iterable[tuple[str, Mapping[str, Any]]], vpc_cidr: str = "") -> NetworkModel:
    """Subnets, route tables, their routes and the NAT gateways' subnets: enough to say which
    subnets are public. `resources` are (type token, props) pairs."""
    declared = [PlainResource(typ, "", props) for typ, props in resources]
    vpcs = [d for d in declared if d.type == t.VPC]
    model = NetworkModel(vpc_cidr=vpc_cidr or (str(vpcs[0].get("cidrBlock")) if vpcs else "10.0.0.0/16"))
    igws = {d.get("id") for d in declared if d.type == t.INTERNET_GATEWAY}
    _subnets(model, declared)
    for rt in (d for d in declared if d.type == t.ROUTE_TABLE):
        routes = model.routes.setdefault(rt.get("id"), [Route(model.vpc_cidr, Target.LOCAL)])
        for inline in rt.get("routes") or []:
            if isinstance(inline, Mapping):
                routes.append(_route(inline, inline.get("cidrBlock") or inline.get("ipv6CidrBlock"), igws))
    for r in (d for d in declared if d.type == t.ROUTE):
        dest = r.get("destinationCidrBlock") or r.get("destinationIpv6CidrBlock")
        model.routes.setdefault(str(r.get("routeTableId")), []).append(_route(r.props, dest, igws))
    return model


def _rules(plan: Plan, model: NetworkModel) -> None:
    for r in plan.resources:
        if r.type not in ALL_RULE_TYPES:
            continue
        for v in rule_views(PlainResource(r.type, r.name, {**r.inputs, "id": r.id})):
            rng = v.port_range() or (0, -1)
            rule = Rule(
                protocol=str(v.protocol).lower(),
                from_port=int(rng[0]),
                to_port=int(rng[1]),
                cidrs=tuple(str(c) for c in v.cidrs if isinstance(c, str)),
                groups=tuple(str(g) for g in v.groups if isinstance(g, str)),
                prefix_lists=tuple(str(x) for x in v.prefix_lists),
            )
            target = model.ingress if v.direction == "ingress" else model.egress
            target.setdefault(str(v.group_id), []).append(rule)


def _by_id(plan: Plan, typ: str, ref: Any) -> PlannedResource | None:
    for r in plan.of_type(typ):
        if ref in (r.id, r.outputs.get("arn"), r.outputs.get("name"), r.inputs.get("name")):
            return r
    return None


def _strings(refs: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(g) for g in refs)


def _fleets(plan: Plan) -> list[Placement]:
    public_ip = {s.id: flag(s.inputs.get("mapPublicIpOnLaunch")) is True for s in plan.of_type(t.SUBNET)}
    fleets = []
    for asg in plan.of_type(t.ASG):
        if asg.read:
            continue
        subnets = tuple(asg.inputs.get("vpcZoneIdentifiers") or ())
        lt = _by_id(plan, t.LAUNCH_TEMPLATE, (asg.inputs.get("launchTemplate") or {}).get("id"))
        groups, public = template_groups(lt.inputs) if lt is not None else ([], None)
        if public is None:
            public = any(public_ip.get(s, False) for s in subnets)
        fleets.append(Placement(asg.name, subnets, _strings(groups), public))
    return fleets


def _databases(plan: Plan) -> list[Placement]:
    dbs = []
    for db in plan.of_type(t.RDS_INSTANCE):
        if db.read or db.inputs.get("replicateSourceDb"):
            continue  # dev's database (read) or its seed replica (in dev's network, beside dev)
        group = _by_id(plan, t.RDS_SUBNET_GROUP, db.inputs.get("dbSubnetGroupName"))
        subnets = tuple(group.inputs.get("subnetIds") or ()) if group else ()
        groups = _strings(member_groups(db.type, db.inputs))
        dbs.append(Placement(db.name, subnets, groups, flag(db.inputs.get("publiclyAccessible")) is True))
    return dbs


def from_plan(plan: Plan) -> NetworkModel:
    model = routing((r.type, {**r.inputs, "id": r.id}) for r in plan.resources if not r.is_provider)
    _rules(plan, model)
    albs = [
        Placement(
            lb.name,
            tuple(lb.inputs.get("subnets") or ()),
            _strings(member_groups(lb.type, lb.inputs)),
            flag(lb.inputs.get("internal")) is not True,
        )
        for typ in t.LOAD_BALANCERS
        for lb in plan.of_type(typ)
    ]
    model.placements = {ALB: albs, APP: _fleets(plan), DB: _databases(plan)}
    add_dev_from_plan(model, plan)
    return model
