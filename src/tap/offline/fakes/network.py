"""Fakes of VPCs, subnets, gateways, routes, peering, endpoints, security groups, flow logs."""

from __future__ import annotations

from typing import Any

from tap.offline.fakes.context import Fake, FakeContext, digest, registers_in

FAKES: dict[str, Fake] = {}
fake = registers_in(FAKES)


def ec2_style(prefix: str, arn_kind: str | None = None) -> Fake:
    def make(c: FakeContext) -> tuple[str, dict[str, Any]]:
        rid = f"{prefix}-0{c.h(16)}"
        out: dict[str, Any] = {}
        if arn_kind:
            out["arn"] = c.arn("ec2", f"{arn_kind}/{rid}")
        return rid, out

    return make


for _t, _p, _k in [
    ("aws:ec2/subnet:Subnet", "subnet", "subnet"),
    ("aws:ec2/internetGateway:InternetGateway", "igw", "internet-gateway"),
    ("aws:ec2/routeTable:RouteTable", "rtb", "route-table"),
    ("aws:ec2/routeTableAssociation:RouteTableAssociation", "rtbassoc", None),
    ("aws:ec2/securityGroup:SecurityGroup", "sg", "security-group"),
    ("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "sg", "security-group"),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "sgr", "security-group-rule"),
    ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "sgr", "security-group-rule"),
    ("aws:ec2/flowLog:FlowLog", "fl", "vpc-flow-log"),
]:
    FAKES[_t] = ec2_style(_p, _k)


@fake("aws:ec2/vpc:Vpc")
def _vpc(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"vpc-0{c.h(16)}"
    return rid, {
        "arn": c.arn("ec2", f"vpc/{rid}"),
        "defaultSecurityGroupId": f"sg-0{c.h(16, salt='dsg')}",
        "mainRouteTableId": f"rtb-0{c.h(16, salt='main')}",
        "ownerId": c.account,
    }


@fake("aws:ec2/eip:Eip")
def _eip(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"eipalloc-0{c.h(16)}"
    n = int(c.h(4), 16)
    # 203.0.113.0/24 is TEST-NET-3: documentation addresses that can never be someone's real IP.
    return rid, {
        "allocationId": rid,
        "publicIp": f"203.0.113.{n % 254 + 1}",
        "arn": c.arn("ec2", f"elastic-ip/{rid}"),
    }


@fake("aws:ec2/natGateway:NatGateway")
def _nat(c: FakeContext) -> tuple[str, dict[str, Any]]:
    n = int(c.h(4), 16)
    return f"nat-0{c.h(16)}", {
        "publicIp": f"203.0.113.{n % 254 + 1}",
        "privateIp": f"10.0.{n % 3 + 1}.{n % 200 + 10}",
    }


@fake("aws:ec2/route:Route")
def _route(c: FakeContext) -> tuple[str, dict[str, Any]]:
    # The provider's id is the table plus a hash of the destination: one per (table, range).
    dest = str(c.inputs.get("destinationCidrBlock") or c.inputs.get("destinationIpv6CidrBlock") or "")
    return f"r-{c.inputs.get('routeTableId', 'rtb')}{int(digest(dest, length=8), 16) % 10**10}", {
        "state": "active"
    }


@fake("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
def _peering(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"pcx-0{c.h(16)}"
    # Same account and region with auto_accept: active when create returns.
    return rid, {"acceptStatus": "active", "peerOwnerId": c.account, "peerRegion": c.region}


@fake("aws:ec2/vpcEndpoint:VpcEndpoint")
def _vpce(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"vpce-0{c.h(16)}"
    return rid, {
        "arn": c.arn("ec2", f"vpc-endpoint/{rid}"),
        "prefixListId": "pl-63a5400a",
        "state": "available",
    }
