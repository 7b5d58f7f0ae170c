"""Dev's VPC, which production peers with: it must exist, its ranges must not overlap prod's
(VPC peering refuses overlapping CIDRs, and routes could not tell the two apart), and the route
tables and security groups the settings name must belong to it.

The dev VPC is read from dev's database (its subnet group's VPC) and cross-checked against the
dev network settings (`devVpcId`, `devVpcCidr`, `devRouteTableIds`, `devAppSecurityGroupId`,
`devDbSecurityGroupId`), which the settings require while the phase peers with dev.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from tap.preflight.context import PreflightContext
from tap.preflight.dev_database import DevMissing, missing, require_dev
from tap.preflight.result import (
    WHILE_DEV_HOLDS_DATA,
    Check,
    CheckResult,
    failed,
    passed,
    skipped,
)


def _vpc_cidrs(vpc: Mapping[str, Any]) -> list[str]:
    associated = [
        a["CidrBlock"]
        for a in vpc.get("CidrBlockAssociationSet") or []
        if a.get("CidrBlockState", {}).get("State", "associated") == "associated"
    ]
    return associated or [vpc["CidrBlock"]]


def dev_vpc(ctx: PreflightContext) -> CheckResult:
    try:
        inst = require_dev(ctx)
    except DevMissing as exc:
        return missing(ctx, exc)
    vpc_id = (inst.get("DBSubnetGroup") or {}).get("VpcId")
    read = f"rds:DescribeDBInstances (subnet group VPC) + ec2:DescribeVpcs {vpc_id}"
    if not vpc_id:
        return failed(
            read, "dev's database is not in a VPC subnet group", "dev must run in a VPC to peer with prod"
        )
    wanted = ctx.settings.dev_network.dev_vpc_id
    if wanted and wanted != vpc_id:
        return failed(
            read, f"tap dev VPC setting {wanted} is not dev's database VPC {vpc_id}", f"set it to {vpc_id}"
        )
    vpcs = ctx.clients.client("ec2").describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"]
    if not vpcs:
        return failed(
            read, f"{vpc_id} does not exist in {ctx.settings.core.region}", "check the dev account and region"
        )
    cidrs = _vpc_cidrs(vpcs[0])
    prod = ipaddress.IPv4Network(ctx.settings.network.vpc_cidr)
    overlapping = [c for c in cidrs if ipaddress.IPv4Network(c).overlaps(prod)]
    if overlapping:
        return failed(
            read,
            f"dev's {', '.join(overlapping)} overlaps prod's vpcCidr {prod}: VPC peering refuses "
            "overlapping ranges",
            "choose a tap:vpcCidr that overlaps none of dev's ranges (before the first `pulumi up`: "
            "changing it later replaces the VPC)",
        )
    wanted_cidr = ctx.settings.dev_network.dev_vpc_cidr
    if wanted_cidr and wanted_cidr not in cidrs:
        return failed(
            read,
            f"the dev CIDR setting {wanted_cidr} is not one of {vpc_id}'s {cidrs}",
            f"set it to {cidrs[0]}",
        )
    return passed(read, f"{vpc_id} {', '.join(cidrs)}, no overlap with prod's {prod}")


def dev_vpc_members(ctx: PreflightContext) -> CheckResult:
    dn = ctx.settings.dev_network
    tables = dn.dev_route_table_ids
    groups = tuple(g for g in (dn.dev_app_security_group_id, dn.dev_db_security_group_id) if g)
    if not tables and not groups:
        # The settings require them while the phase peers with dev; without them nothing is linked.
        return skipped("settings", "no dev route table or security group settings: nothing peers with dev")
    try:
        vpc_id = (require_dev(ctx).get("DBSubnetGroup") or {}).get("VpcId")
    except DevMissing as exc:
        return missing(ctx, exc)
    ec2 = ctx.clients.client("ec2")
    read = f"ec2:DescribeRouteTables {', '.join(tables)}; ec2:DescribeSecurityGroups {', '.join(groups)}"
    found = (
        {
            t["RouteTableId"]: t["VpcId"]
            for t in ec2.describe_route_tables(Filters=[{"Name": "route-table-id", "Values": list(tables)}])[
                "RouteTables"
            ]
        }
        if tables
        else {}
    )
    found |= (
        {
            g["GroupId"]: g["VpcId"]
            for g in ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": list(groups)}])[
                "SecurityGroups"
            ]
        }
        if groups
        else {}
    )
    problems = [f"{i} does not exist" for i in (*tables, *groups) if i not in found]
    problems += [f"{i} is in {v}, not dev's {vpc_id}" for i, v in found.items() if v != vpc_id]
    if problems:
        return failed(
            read, "; ".join(problems), "set the dev route table and security group settings to dev's own ids"
        )
    return passed(read, f"{len(tables)} route table(s) and {len(groups)} security group(s) in {vpc_id}")


CHECKS = (
    Check(
        "dev-vpc",
        "Dev's VPC exists and its CIDRs do not overlap prod's tap:vpcCidr.",
        dev_vpc,
        WHILE_DEV_HOLDS_DATA,
        permissions=("rds:DescribeDBInstances", "ec2:DescribeVpcs"),
    ),
    Check(
        "dev-vpc-members",
        "The dev route tables and security groups named in settings exist in dev's VPC.",
        dev_vpc_members,
        WHILE_DEV_HOLDS_DATA,
        permissions=("rds:DescribeDBInstances", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups"),
    ),
)
