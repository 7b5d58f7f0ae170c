"""Fakes of VPCs, subnets, gateways, routes, peering, endpoints, security groups, flow logs."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.offline.fakes.context import Fake, FakeContext, digest
from tap.registrar import registrar

FAKES: dict[str, Fake] = {}
fake = registrar(FAKES)


def ec2_style(prefix: str, arn_kind: str | None = None) -> Fake:
    def make(c: FakeContext) -> tuple[str, dict[str, Any]]:
        rid = f"{prefix}-0{c.h(16)}"
        out: dict[str, Any] = {}
        if arn_kind:
            out["arn"] = c.arn("ec2", f"{arn_kind}/{rid}")
        return rid, out

    return make


for _t, _p, _k in [
    (t.SUBNET, "subnet", "subnet"),
    (t.INTERNET_GATEWAY, "igw", "internet-gateway"),
    (t.ROUTE_TABLE, "rtb", "route-table"),
    (t.ROUTE_TABLE_ASSOCIATION, "rtbassoc", None),
    (t.SECURITY_GROUP, "sg", "security-group"),
    (t.DEFAULT_SECURITY_GROUP, "sg", "security-group"),
    (t.INGRESS_RULE, "sgr", "security-group-rule"),
    (t.EGRESS_RULE, "sgr", "security-group-rule"),
    (t.FLOW_LOG, "fl", "vpc-flow-log"),
]:
    FAKES[_t] = ec2_style(_p, _k)


@fake(t.VPC)
def _vpc(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"vpc-0{c.h(16)}"
    return rid, {
        "arn": c.arn("ec2", f"vpc/{rid}"),
        "defaultSecurityGroupId": f"sg-0{c.h(16, salt='dsg')}",
        "mainRouteTableId": f"rtb-0{c.h(16, salt='main')}",
        "ownerId": c.account,
    }


@fake(t.EIP)
def _eip(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"eipalloc-0{c.h(16)}"
    n = int(c.h(4), 16)
    # 203.0.113.0/24 is TEST-NET-3: documentation addresses that can never be someone's real IP.
    return rid, {
        "allocationId": rid,
        "publicIp": f"203.0.113.{n % 254 + 1}",
        "arn": c.arn("ec2", f"elastic-ip/{rid}"),
    }


@fake(t.NAT_GATEWAY)
def _nat(c: FakeContext) -> tuple[str, dict[str, Any]]:
    n = int(c.h(4), 16)
    return f"nat-0{c.h(16)}", {
        "publicIp": f"203.0.113.{n % 254 + 1}",
        "privateIp": f"10.0.{n % 3 + 1}.{n % 200 + 10}",
    }


@fake(t.ROUTE)
def _route(c: FakeContext) -> tuple[str, dict[str, Any]]:
    # The provider's id is the table plus a hash of the destination: one per (table, range).
    dest = str(c.inputs.get("destinationCidrBlock") or c.inputs.get("destinationIpv6CidrBlock") or "")
    return f"r-{c.inputs.get('routeTableId', 'rtb')}{int(digest(dest, length=8), 16) % 10**10}", {
        "state": "active"
    }


@fake(t.VPC_PEERING)
def _peering(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"pcx-0{c.h(16)}"
    # Same account and region with auto_accept: active when create returns.
    return rid, {"acceptStatus": "active", "peerOwnerId": c.account, "peerRegion": c.region}


@fake(t.VPC_ENDPOINT)
def _vpce(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"vpce-0{c.h(16)}"
    return rid, {
        "arn": c.arn("ec2", f"vpc-endpoint/{rid}"),
        "prefixListId": "pl-63a5400a",
        "state": "available",
    }
