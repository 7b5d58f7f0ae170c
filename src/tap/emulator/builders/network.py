"""VPC, subnets, gateways, routes, dev's side of the peering, and the security groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap import aws_types as t
from tap.emulator.registry import SeedContext, builds, step
from tap.offline.plan import PlannedResource
from tap.values import integer

if TYPE_CHECKING:
    from types_boto3_ec2.type_defs import FilterTypeDef, IpPermissionTypeDef, SecurityGroupTypeDef

DEV_NETWORK = "dev-network"
DEFAULT_EGRESS = "default-egress-removed"


def _default_group(ctx: SeedContext, vpc_id: str) -> SecurityGroupTypeDef:
    filters: list[FilterTypeDef] = [
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "group-name", "Values": ["default"]},
    ]
    return ctx.clients.client("ec2").describe_security_groups(Filters=filters)["SecurityGroups"][0]


@step(DEV_NETWORK)
def dev_network(ctx: SeedContext) -> None:
    """What dev already has in a real account: its VPC, route tables and two groups (the stack
    only references them), created here so the peering, routes and rules land."""
    dev, ec2 = ctx.plan.settings.dev_network, ctx.clients.client("ec2")
    if not dev.dev_vpc_id:
        return
    vid = ec2.create_vpc(CidrBlock=dev.dev_vpc_cidr)["Vpc"]["VpcId"]
    ctx.sub.add(dev.dev_vpc_id, vid)
    for rt in dev.dev_route_table_ids:
        ctx.sub.add(rt, ec2.create_route_table(VpcId=vid)["RouteTable"]["RouteTableId"])
    for gid, name in ((dev.dev_app_security_group_id, "dev-app"), (dev.dev_db_security_group_id, "dev-db")):
        ctx.sub.add(gid, ec2.create_security_group(GroupName=name, Description=name, VpcId=vid)["GroupId"])


@builds(t.VPC)
def vpc(ctx: SeedContext, r: PlannedResource) -> None:
    vid = ctx.clients.client("ec2").create_vpc(CidrBlock=r.get("cidrBlock"))["Vpc"]["VpcId"]
    ctx.sub.add(r.id, vid)


@builds(t.SUBNET)
def subnet(ctx: SeedContext, r: PlannedResource) -> None:
    got = ctx.clients.client("ec2").create_subnet(
        VpcId=ctx.sub.value(r.get("vpcId")),
        CidrBlock=r.get("cidrBlock"),
        AvailabilityZone=r.get("availabilityZone"),
    )
    ctx.sub.add(r.id, got["Subnet"]["SubnetId"])


@builds(t.INTERNET_GATEWAY)
def internet_gateway(ctx: SeedContext, r: PlannedResource) -> None:
    ec2 = ctx.clients.client("ec2")
    gid = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gid, VpcId=ctx.sub.value(r.get("vpcId")))
    ctx.sub.add(r.id, gid)


@builds(t.EIP)
def elastic_ip(ctx: SeedContext, r: PlannedResource) -> None:
    got = ctx.clients.client("ec2").allocate_address(Domain="vpc")
    ctx.sub.add(r.id, got["AllocationId"])
    ctx.sub.add(r.outputs.get("publicIp"), got["PublicIp"])


@builds(t.NAT_GATEWAY)
def nat_gateway(ctx: SeedContext, r: PlannedResource) -> None:
    got = ctx.clients.client("ec2").create_nat_gateway(
        SubnetId=ctx.sub.value(r.get("subnetId")), AllocationId=ctx.sub.value(r.get("allocationId"))
    )
    ctx.sub.add(r.id, got["NatGateway"]["NatGatewayId"])


@builds(t.ROUTE_TABLE)
def route_table(ctx: SeedContext, r: PlannedResource) -> None:
    got = ctx.clients.client("ec2").create_route_table(VpcId=ctx.sub.value(r.get("vpcId")))
    ctx.sub.add(r.id, got["RouteTable"]["RouteTableId"])


@builds(t.VPC_PEERING)
def peering(ctx: SeedContext, r: PlannedResource) -> None:
    ec2 = ctx.clients.client("ec2")
    got = ec2.create_vpc_peering_connection(
        VpcId=ctx.sub.value(r.get("vpcId")), PeerVpcId=ctx.sub.value(r.get("peerVpcId"))
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=got)  # auto_accept
    ctx.sub.add(r.id, got)


_ROUTE_TARGETS = (
    ("gatewayId", "GatewayId"),
    ("natGatewayId", "NatGatewayId"),
    ("vpcPeeringConnectionId", "VpcPeeringConnectionId"),
)


@builds(t.ROUTE)
def route(ctx: SeedContext, r: PlannedResource) -> None:
    target = {api: ctx.sub.value(r.get(key)) for key, api in _ROUTE_TARGETS if r.get(key)}
    ctx.clients.client("ec2").create_route(
        RouteTableId=ctx.sub.value(r.get("routeTableId")),
        DestinationCidrBlock=r.get("destinationCidrBlock"),
        **target,
    )


@builds(t.ROUTE_TABLE_ASSOCIATION)
def route_table_association(ctx: SeedContext, r: PlannedResource) -> None:
    ctx.clients.client("ec2").associate_route_table(
        RouteTableId=ctx.sub.value(r.get("routeTableId")), SubnetId=ctx.sub.value(r.get("subnetId"))
    )


@builds(t.VPC_ENDPOINT)
def vpc_endpoint(ctx: SeedContext, r: PlannedResource) -> None:
    got = ctx.clients.client("ec2").create_vpc_endpoint(
        VpcId=ctx.sub.value(r.get("vpcId")),
        ServiceName=r.get("serviceName"),
        VpcEndpointType=r.get("vpcEndpointType") or "Gateway",
        RouteTableIds=ctx.sub.value(r.get("routeTableIds") or []),
    )
    ctx.sub.add(r.id, got["VpcEndpoint"]["VpcEndpointId"])


@builds(t.SECURITY_GROUP)
def security_group(ctx: SeedContext, r: PlannedResource) -> None:
    ec2 = ctx.clients.client("ec2")
    gid = ec2.create_security_group(
        GroupName=r.get("name"), Description=r.get("description"), VpcId=ctx.sub.value(r.get("vpcId"))
    )["GroupId"]
    ctx.sub.add(r.id, gid)


@step(DEFAULT_EGRESS)
def default_egress_removed(ctx: SeedContext) -> None:
    """AWS gives every new group an allow-all egress rule; Pulumi removes it, so a group's
    egress is only the rules the stack declares."""
    allow_all: list[IpPermissionTypeDef] = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    for group in ctx.of(t.SECURITY_GROUP):
        ctx.clients.client("ec2").revoke_security_group_egress(
            GroupId=ctx.sub.value(group.id), IpPermissions=allow_all
        )


@builds(t.DEFAULT_SECURITY_GROUP)
def default_security_group(ctx: SeedContext, r: PlannedResource) -> None:
    """The stack adopts the VPC's default group and leaves it with the rules it declares (none)."""
    ec2, group = ctx.clients.client("ec2"), _default_group(ctx, ctx.sub.value(r.get("vpcId")))
    ctx.sub.add(r.id, group["GroupId"])
    if group["IpPermissions"] and not r.get("ingress"):
        ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
    if group["IpPermissionsEgress"] and not r.get("egress"):
        ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=group["IpPermissionsEgress"])


def _permission(ctx: SeedContext, r: PlannedResource) -> IpPermissionTypeDef:
    perm: IpPermissionTypeDef = {"IpProtocol": r.get("ipProtocol")}
    if r.get("fromPort") is not None:
        perm["FromPort"], perm["ToPort"] = integer(r.get("fromPort")), integer(r.get("toPort"))
    desc = r.get("description") or ""
    if r.get("referencedSecurityGroupId"):
        perm["UserIdGroupPairs"] = [
            {"GroupId": ctx.sub.value(r.get("referencedSecurityGroupId")), "Description": desc}
        ]
    elif r.get("cidrIpv4"):
        perm["IpRanges"] = [{"CidrIp": r.get("cidrIpv4"), "Description": desc}]
    elif r.get("cidrIpv6"):
        perm["Ipv6Ranges"] = [{"CidrIpv6": r.get("cidrIpv6"), "Description": desc}]
    elif r.get("prefixListId"):
        perm["PrefixListIds"] = [{"PrefixListId": r.get("prefixListId"), "Description": desc}]
    return perm


@builds(t.INGRESS_RULE)
def ingress_rule(ctx: SeedContext, r: PlannedResource) -> None:
    ctx.clients.client("ec2").authorize_security_group_ingress(
        GroupId=ctx.sub.value(r.get("securityGroupId")), IpPermissions=[_permission(ctx, r)]
    )


@builds(t.EGRESS_RULE)
def egress_rule(ctx: SeedContext, r: PlannedResource) -> None:
    ctx.clients.client("ec2").authorize_security_group_egress(
        GroupId=ctx.sub.value(r.get("securityGroupId")), IpPermissions=[_permission(ctx, r)]
    )
