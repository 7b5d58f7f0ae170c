"""The live adapter: the network model of a deployed stack, from boto3 describe_* results
(`tap.live.describe` reads them; `tap verify --live` asks the model)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from tap.network.dev import add_dev
from tap.network.members import LIVE_TEMPLATE, template_groups
from tap.network.model import ALB, APP, DB, NetworkModel, Placement, Route, Rule, route_target

if TYPE_CHECKING:
    from types_boto3_autoscaling.type_defs import AutoScalingGroupTypeDef
    from types_boto3_ec2.type_defs import (
        NatGatewayTypeDef,
        ResponseLaunchTemplateDataTypeDef,
        RouteTableTypeDef,
        SecurityGroupTypeDef,
        SubnetTypeDef,
        VpcTypeDef,
    )
    from types_boto3_elbv2.type_defs import LoadBalancerTypeDef
    from types_boto3_rds.type_defs import DBInstanceTypeDef

Raw = Mapping[str, Any]

# Route targets other than gateways and NAT gateways, as EC2's DescribeRouteTables names them.
OTHER_ROUTE_TARGETS = (
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
)


class DescribedDev(Protocol):
    """Dev's side as `tap.live.dev_network` reads it."""

    vpc_cidr: str
    app_group: str
    db_group: str
    route_tables: list[RouteTableTypeDef]
    security_groups: list[SecurityGroupTypeDef]
    active_peerings: set[str]


class DescribedNetwork(Protocol):
    """The describe_* results the model reads (`tap.live.describe.Described` has them)."""

    vpc: VpcTypeDef
    subnets: list[SubnetTypeDef]
    route_tables: list[RouteTableTypeDef]
    nat_gateways: list[NatGatewayTypeDef]
    security_groups: list[SecurityGroupTypeDef]
    load_balancer: LoadBalancerTypeDef | None
    auto_scaling_groups: list[AutoScalingGroupTypeDef]
    launch_templates: dict[str, ResponseLaunchTemplateDataTypeDef]
    db_instance: DBInstanceTypeDef | None

    @property
    def dev(self) -> DescribedDev | None: ...


def _rules(permissions: Sequence[Raw]) -> list[Rule]:
    rules = []
    for p in permissions:
        protocol = str(p.get("IpProtocol", "-1")).lower()
        lo, hi = (0, 65535) if protocol == "-1" else (p.get("FromPort", 0), p.get("ToPort", 65535))
        cidrs = [r["CidrIp"] for r in p.get("IpRanges", []) if "CidrIp" in r]
        cidrs += [r["CidrIpv6"] for r in p.get("Ipv6Ranges", []) if "CidrIpv6" in r]
        rules.append(
            Rule(
                protocol=protocol,
                from_port=int(lo),
                to_port=int(hi),
                cidrs=tuple(cidrs),
                groups=tuple(g["GroupId"] for g in p.get("UserIdGroupPairs", []) if "GroupId" in g),
                prefix_lists=tuple(
                    x["PrefixListId"] for x in p.get("PrefixListIds", []) if x.get("PrefixListId")
                ),
            )
        )
    return rules


def _route(r: Raw) -> Route:
    target, tid = route_target(
        gateway=str(r.get("GatewayId") or ""),
        nat=r.get("NatGatewayId"),
        peering=r.get("VpcPeeringConnectionId"),
        other=next((str(r[k]) for k in OTHER_ROUTE_TARGETS if r.get(k)), None),
    )
    return Route(r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or "", target, tid)


def _routing(model: NetworkModel, d: DescribedNetwork) -> None:
    for s in d.subnets:
        model.subnet_cidrs[s["SubnetId"]] = s.get("CidrBlock", "")
        if s.get("AvailabilityZone"):
            model.subnet_az[s["SubnetId"]] = s["AvailabilityZone"]
    for rt in d.route_tables + (d.dev.route_tables if d.dev else []):
        rt_id = rt["RouteTableId"]
        for a in rt.get("Associations", []):
            if a.get("Main"):
                model.main_route_table = rt_id
            elif a.get("SubnetId"):
                model.subnet_route_table[a["SubnetId"]] = rt_id
        # A blackhole route's target is gone: traffic matching it is dropped.
        model.routes[rt_id] = [_route(r) for r in rt.get("Routes", []) if r.get("State") != "blackhole"]
    for n in d.nat_gateways:
        model.nat_subnet[n["NatGatewayId"]] = n.get("SubnetId", "")
    for g in d.security_groups + (d.dev.security_groups if d.dev else []):
        model.ingress[g["GroupId"]] = _rules(g.get("IpPermissions", []))
        model.egress[g["GroupId"]] = _rules(g.get("IpPermissionsEgress", []))


def _load_balancers(d: DescribedNetwork) -> list[Placement]:
    lb = d.load_balancer
    if not lb:
        return []
    subnets = tuple(z["SubnetId"] for z in lb.get("AvailabilityZones", []) if z.get("SubnetId"))
    groups = tuple(lb.get("SecurityGroups", []))
    return [
        Placement(lb.get("LoadBalancerName", "alb"), subnets, groups, lb.get("Scheme") == "internet-facing")
    ]


def _fleets(d: DescribedNetwork) -> list[Placement]:
    maps_public = {s["SubnetId"]: bool(s.get("MapPublicIpOnLaunch")) for s in d.subnets}
    fleets = []
    for group in d.auto_scaling_groups:
        subnets = tuple(s for s in str(group.get("VPCZoneIdentifier", "")).split(",") if s)
        mixed = (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate", {})
        spec = group.get("LaunchTemplate") or mixed.get("LaunchTemplateSpecification", {})
        data = d.launch_templates.get(spec.get("LaunchTemplateId", ""), {})
        groups, public = template_groups(data, LIVE_TEMPLATE)
        if public is None:
            public = any(maps_public.get(s, False) for s in subnets)
        fleets.append(Placement(group["AutoScalingGroupName"], subnets, tuple(map(str, groups)), public))
    return fleets


def _databases(d: DescribedNetwork) -> list[Placement]:
    db = d.db_instance
    if not db:
        return []
    subnet_group = db.get("DBSubnetGroup") or {}
    subnets = tuple(
        s["SubnetIdentifier"] for s in subnet_group.get("Subnets", []) if s.get("SubnetIdentifier")
    )
    groups = tuple(g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", []))
    return [Placement(db["DBInstanceIdentifier"], subnets, groups, bool(db.get("PubliclyAccessible")))]


def from_described(d: DescribedNetwork) -> NetworkModel:
    model = NetworkModel(vpc_cidr=str(d.vpc.get("CidrBlock", "")))
    _routing(model, d)
    model.placements = {ALB: _load_balancers(d), APP: _fleets(d), DB: _databases(d)}
    if d.dev:
        add_dev(
            model,
            vpc_cidr=d.dev.vpc_cidr,
            route_tables=tuple(rt["RouteTableId"] for rt in d.dev.route_tables),
            app_group=d.dev.app_group,
            db_group=d.dev.db_group,
            peerings=d.dev.active_peerings,
            egress_known=True,
        )
    return model
