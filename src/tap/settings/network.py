"""Production's VPC: its range, zones and subnets, and the operational log retention."""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic.dataclasses import dataclass

from tap.errors import Problem
from tap.settings.fields import GROUP_CONFIG, setting
from tap.settings.kinds import Cidr, Items, Text, WholeOneOf

if TYPE_CHECKING:
    from tap.settings.model import Settings

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
ZONE = Text(r"[a-z]{2}(-gov)?-[a-z]+-\d[a-z]", "an AZ name such as us-east-1a")


@dataclass(frozen=True, config=GROUP_CONFIG)
class NetworkSettings:
    vpc_cidr: Annotated[str, Cidr()] = setting("vpcCidr", "10.0.0.0/16", "Production VPC range.")
    availability_zones: Annotated[tuple[str, ...], Items(ZONE, 2, 6)] = setting(
        "availabilityZones",
        ("us-east-1a", "us-east-1b", "us-east-1c"),
        "One public and one private subnet per zone; zones must be in region.",
    )
    public_subnet_cidrs: Annotated[tuple[str, ...], Items(Cidr(), 2, 6)] = setting(
        "publicSubnetCidrs",
        ("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"),
        "Public subnets (ALB, NAT gateways), one per zone, in order.",
    )
    private_subnet_cidrs: Annotated[tuple[str, ...], Items(Cidr(), 2, 6)] = setting(
        "privateSubnetCidrs",
        ("10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"),
        "Private subnets (fleets, database), one per zone, in order.",
    )
    log_retention_days: Annotated[int, WholeOneOf(LOG_RETENTION_DAYS)] = setting(
        "logRetentionDays",
        90,
        "Retention of the operational CloudWatch log groups (RDS error and slow-query "
        "exports); audit-relevant groups keep auditLogRetentionDays.",
    )


def zones_in_region(s: Settings) -> Iterator[Problem]:
    region, zones = s.core.region, s.network.availability_zones
    if any(not (az.startswith(region) and len(az) == len(region) + 1) for az in zones):
        yield Problem("availabilityZones", list(zones), f"zones of region {region} (e.g. {region}a)")


def one_subnet_pair_per_zone(s: Settings) -> Iterator[Problem]:
    """Blames the zones when both subnet lists agree with each other, else the list that is off."""
    n = s.network
    zones, pub, priv = n.availability_zones, n.public_subnet_cidrs, n.private_subnet_cidrs
    if len(pub) == len(priv) != len(zones):
        yield Problem(
            "availabilityZones",
            list(zones),
            f"one availability zone per subnet pair ({len(pub)} public and "
            f"{len(priv)} private subnets are given)",
        )
        return
    for key, cidrs in (("publicSubnetCidrs", pub), ("privateSubnetCidrs", priv)):
        if len(cidrs) != len(zones):
            yield Problem(key, list(cidrs), f"exactly one subnet per availability zone ({len(zones)} zones)")


def subnets_inside_the_vpc(s: Settings) -> Iterator[Problem]:
    """Each subnet inside the VPC and smaller than it; an overlap names both lists' entries."""
    n = s.network
    vpc = ipaddress.IPv4Network(n.vpc_cidr)
    lists = (("publicSubnetCidrs", n.public_subnet_cidrs), ("privateSubnetCidrs", n.private_subnet_cidrs))
    subnets = [(f"{key}[{i}]", key, c) for key, cidrs in lists for i, c in enumerate(cidrs)]
    fitting = []
    for where, key, cidr in subnets:
        net = ipaddress.IPv4Network(cidr)
        if not net.subnet_of(vpc):
            yield Problem(key, cidr, f"a range inside vpcCidr {n.vpc_cidr} ({where})")
        elif net == vpc:
            yield Problem(key, cidr, f"a range smaller than vpcCidr {n.vpc_cidr} ({where} is the whole VPC)")
        else:
            fitting.append((where, key, cidr))
    for (e_where, _, earlier), (where, key, cidr) in itertools.combinations(fitting, 2):
        if ipaddress.IPv4Network(earlier).overlaps(ipaddress.IPv4Network(cidr)):
            clash = f"{where} overlaps {e_where} {earlier}"
            yield Problem(key, cidr, f"a range that does not overlap another subnet: {clash}")


CHECKS = [zones_in_region, one_subnet_pair_per_zone, subnets_inside_the_vpc]
