"""Service quotas that a fresh account commonly lacks, against what the phase's plan needs.

A new account often starts with 5 Elastic IPs and 5 VPCs per region; the stack needs one NAT
gateway (and so one Elastic IP) per availability zone. A quota hit halfway through `pulumi up`
leaves a half-built network; a quota increase can take days. So: the applied quota (or AWS's
default where none was applied) must hold what the plan declares plus what the account already
uses for other things (resources carrying this stack's own tags are not counted twice).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from tap import aws_types as t
from tap.naming import default_tags
from tap.preflight.context import PreflightContext
from tap.preflight.result import Check, CheckResult, failed, passed


def _ours(ctx: PreflightContext, tags: Sequence[Mapping[str, Any]] | None) -> bool:
    mine = default_tags(ctx.settings.core)
    held = {tag["Key"]: tag["Value"] for tag in tags or []}
    return all(held.get(k) == mine[k] for k in ("EnvironmentSuffix", "ManagedBy", "Project"))


def eips(ctx: PreflightContext) -> tuple[int, int]:
    planned = len(ctx.plan.of_type(t.EIP))
    used = ctx.clients.client("ec2").describe_addresses()["Addresses"]
    return planned, sum(1 for a in used if not _ours(ctx, a.get("Tags")))


def nat_per_az(ctx: PreflightContext) -> tuple[int, int]:
    """The busiest zone: what this plan puts there, and what others already run there."""
    subnet_az = {s.id: s.get("availabilityZone") for s in ctx.plan.of_type(t.SUBNET)}
    planned = Counter(subnet_az.get(n.get("subnetId"), "?") for n in ctx.plan.of_type(t.NAT_GATEWAY))
    ec2 = ctx.clients.client("ec2")
    live = [
        n
        for n in ec2.describe_nat_gateways(Filters=[{"Name": "state", "Values": ["pending", "available"]}])[
            "NatGateways"
        ]
        if not _ours(ctx, n.get("Tags"))
    ]
    zones: dict[str, str] = {}
    if live:
        ids = sorted({n["SubnetId"] for n in live})
        subnets = ec2.describe_subnets(Filters=[{"Name": "subnet-id", "Values": ids}])["Subnets"]
        zones = {s["SubnetId"]: s["AvailabilityZone"] for s in subnets}
    others = Counter(zones.get(n["SubnetId"], "?") for n in live)
    busiest = max(set(planned) | set(others), key=lambda az: planned[az] + others[az], default=None)
    return (planned[busiest], others[busiest]) if busiest is not None else (0, 0)


def albs(ctx: PreflightContext) -> tuple[int, int]:
    mine = [
        lb
        for lb in ctx.plan.of_type(t.LOAD_BALANCER)
        if lb.get("loadBalancerType", "application") == "application"
    ]
    names = {lb.get("name") for lb in mine}
    pages = ctx.clients.client("elbv2").get_paginator("describe_load_balancers").paginate()
    used = [lb for p in pages for lb in p["LoadBalancers"] if lb.get("Type") == "application"]
    return len(mine), sum(1 for lb in used if lb["LoadBalancerName"] not in names)


def vpcs(ctx: PreflightContext) -> tuple[int, int]:
    used = ctx.clients.client("ec2").describe_vpcs()["Vpcs"]
    return len(ctx.plan.of_type(t.VPC)), sum(1 for v in used if not _ours(ctx, v.get("Tags")))


@dataclass(frozen=True)
class Quota:
    name: str
    title: str
    service_code: str
    quota_code: str
    need: Callable[[PreflightContext], tuple[int, int]]
    """(planned by this stack, in use by anything else)."""
    in_use_actions: tuple[str, ...]


QUOTAS = (
    Quota("quota-elastic-ips", "EC2-VPC Elastic IPs", "ec2", "L-0263D0A3", eips, ("ec2:DescribeAddresses",)),
    Quota(
        "quota-nat-gateways",
        "NAT gateways per Availability Zone",
        "vpc",
        "L-FE5A380F",
        nat_per_az,
        ("ec2:DescribeNatGateways", "ec2:DescribeSubnets"),
    ),
    Quota(
        "quota-albs",
        "Application Load Balancers per Region",
        "elasticloadbalancing",
        "L-53DA6B97",
        albs,
        ("elasticloadbalancing:DescribeLoadBalancers",),
    ),
    Quota("quota-vpcs", "VPCs per Region", "vpc", "L-F678F1CE", vpcs, ("ec2:DescribeVpcs",)),
)


def quota_value(ctx: PreflightContext, q: Quota) -> tuple[float, str]:
    """The applied quota, else AWS's default (an account that never asked has no applied value)."""
    sq = ctx.clients.client("service-quotas")
    try:
        found: Mapping[str, Any] = sq.get_service_quota(ServiceCode=q.service_code, QuotaCode=q.quota_code)
        return float(found["Quota"]["Value"]), "servicequotas:GetServiceQuota"
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchResourceException":
            raise
    found = sq.get_aws_default_service_quota(ServiceCode=q.service_code, QuotaCode=q.quota_code)
    return float(found["Quota"]["Value"]), "servicequotas:GetAWSDefaultServiceQuota"


def check_quota(q: Quota, ctx: PreflightContext) -> CheckResult:
    value, call = quota_value(ctx, q)
    planned, others = q.need(ctx)
    read = (
        f"{call} {q.service_code}/{q.quota_code} ({q.title}); planned: the offline plan; "
        "in use: ec2/elbv2 Describe*"
    )
    total = planned + others
    if total > value:
        return failed(
            read,
            f"needs {total} ({planned} planned + {others} already in use), quota is {value:g}",
            f"aws service-quotas request-service-quota-increase --service-code {q.service_code} "
            f"--quota-code {q.quota_code} --desired-value {total} (approval can take days)",
        )
    return passed(read, f"{total} of {value:g} ({planned} planned + {others} already in use)")


CHECKS = tuple(
    Check(
        q.name,
        f"Service Quotas: {q.title} hold what the plan needs plus current use.",
        partial(check_quota, q),
        permissions=(
            "servicequotas:GetServiceQuota",
            "servicequotas:GetAWSDefaultServiceQuota",
            *q.in_use_actions,
        ),
    )
    for q in QUOTAS
)
