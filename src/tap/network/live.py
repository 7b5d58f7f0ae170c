"""The reachability model of a deployed stack, from describe_* results."""

from __future__ import annotations

from typing import Any

from tap.live.describe import Described
from tap.network.dev import add_dev
from tap.network.reachability import ALB, APP, DB, NetworkModel, Placement, Route, Rule, Target

_OTHER_TARGETS = (
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
)


def _rules(permissions: list[dict[str, Any]]) -> list[Rule]:
    rules = []
    for p in permissions:
        protocol = str(p.get("IpProtocol", "-1")).lower()
        lo, hi = p.get("FromPort", 0), p.get("ToPort", 65535)
        if protocol == "-1":
            lo, hi = 0, 65535
        rules.append(
            Rule(
                protocol=protocol,
                from_port=int(lo),
                to_port=int(hi),
                cidrs=tuple(
                    [r["CidrIp"] for r in p.get("IpRanges", []) if "CidrIp" in r]
                    + [r["CidrIpv6"] for r in p.get("Ipv6Ranges", []) if "CidrIpv6" in r]
                ),
                groups=tuple(g["GroupId"] for g in p.get("UserIdGroupPairs", []) if "GroupId" in g),
                prefix_lists=tuple(
                    x["PrefixListId"] for x in p.get("PrefixListIds", []) if x.get("PrefixListId")
                ),
            )
        )
    return rules


def _template_groups(data: dict[str, Any]) -> tuple[list[str], bool | None]:
    groups = list(data.get("SecurityGroupIds") or [])
    public: bool | None = None
    for nic in data.get("NetworkInterfaces") or []:
        groups += list(nic.get("Groups") or [])
        if "AssociatePublicIpAddress" in nic:
            public = bool(nic["AssociatePublicIpAddress"])
    return groups, public


def network_model(d: Described) -> NetworkModel:
    model = NetworkModel(vpc_cidr=str(d.vpc.get("CidrBlock", "")))
    maps_public = {}
    for s in d.subnets:
        model.subnet_cidrs[s["SubnetId"]] = s.get("CidrBlock", "")
        if s.get("AvailabilityZone"):
            model.subnet_az[s["SubnetId"]] = s["AvailabilityZone"]
        maps_public[s["SubnetId"]] = bool(s.get("MapPublicIpOnLaunch"))
    tables = d.route_tables + (d.dev.route_tables if d.dev else [])
    for rt in tables:
        rt_id = rt["RouteTableId"]
        for a in rt.get("Associations", []):
            if a.get("Main"):
                model.main_route_table = rt_id
            elif a.get("SubnetId"):
                model.subnet_route_table[a["SubnetId"]] = rt_id
        routes = []
        for r in rt.get("Routes", []):
            if r.get("State") == "blackhole":
                continue  # the target is gone: traffic matching it is dropped
            dest = r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or ""
            gateway = str(r.get("GatewayId") or "")
            if r.get("NatGatewayId"):
                routes.append(Route(dest, Target.NAT, r["NatGatewayId"]))
            elif gateway.startswith("igw-"):
                routes.append(Route(dest, Target.IGW, gateway))
            elif gateway == "local":
                routes.append(Route(dest, Target.LOCAL))
            elif r.get("VpcPeeringConnectionId"):
                routes.append(Route(dest, Target.PEERING, str(r["VpcPeeringConnectionId"])))
            else:
                # Peering, transit gateway, interface, instance or endpoint: name the target.
                other = next((str(r[k]) for k in _OTHER_TARGETS if r.get(k)), gateway)
                routes.append(Route(dest, Target.OTHER, other))
        model.routes[rt_id] = routes
    for n in d.nat_gateways:
        model.nat_subnet[n["NatGatewayId"]] = n.get("SubnetId", "")
    for g in d.security_groups + (d.dev.security_groups if d.dev else []):
        model.ingress[g["GroupId"]] = _rules(g.get("IpPermissions", []))
        model.egress[g["GroupId"]] = _rules(g.get("IpPermissionsEgress", []))

    albs = []
    if d.load_balancer:
        lb = d.load_balancer
        albs.append(
            Placement(
                lb.get("LoadBalancerName", "alb"),
                tuple(z["SubnetId"] for z in lb.get("AvailabilityZones", []) if z.get("SubnetId")),
                tuple(lb.get("SecurityGroups", [])),
                lb.get("Scheme") == "internet-facing",
            )
        )
    fleets = []
    for group in d.auto_scaling_groups:
        subnets = tuple(s for s in str(group.get("VPCZoneIdentifier", "")).split(",") if s)
        spec = group.get("LaunchTemplate") or (
            (group.get("MixedInstancesPolicy") or {})
            .get("LaunchTemplate", {})
            .get("LaunchTemplateSpecification", {})
        )
        data = d.launch_templates.get(spec.get("LaunchTemplateId", ""), {})
        groups, public = _template_groups(data)
        if public is None:
            public = any(maps_public.get(s, False) for s in subnets)
        fleets.append(Placement(group["AutoScalingGroupName"], subnets, tuple(groups), public))
    dbs = []
    if d.db_instance:
        db = d.db_instance
        dbs.append(
            Placement(
                db["DBInstanceIdentifier"],
                tuple(
                    s["SubnetIdentifier"]
                    for s in (db.get("DBSubnetGroup") or {}).get("Subnets", [])
                    if s.get("SubnetIdentifier")
                ),
                tuple(g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", [])),
                bool(db.get("PubliclyAccessible")),
            )
        )
    model.placements = {ALB: albs, APP: fleets, DB: dbs}
    if d.dev:
        dev = d.dev
        add_dev(
            model,
            vpc_cidr=dev.vpc_cidr,
            route_tables=tuple(rt["RouteTableId"] for rt in dev.route_tables),
            app_group=dev.app_group,
            db_group=dev.db_group,
            peerings=dev.active_peerings,
            egress_known=True,
        )
    return model
