"""Dev's network, read from settings and never owned: the peering, the routes into dev's
tables and the rules on dev's groups are additive resources this stack can remove again."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic.dataclasses import dataclass

from tap.errors import Problem
from tap.settings.core import phase_only_plan
from tap.settings.fields import GROUP_CONFIG, setting
from tap.settings.kinds import Cidr, Items, Text

if TYPE_CHECKING:
    from tap.settings.model import Settings


def _hex_id(prefix: str, what: str, example: str) -> Text:
    """EC2 ids are the prefix and 8 (older) or 17 lowercase hex digits."""
    return Text(
        rf"{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})",
        f"{what}: {prefix}- and 8 or 17 lowercase hex digits, e.g. {example}",
        optional=True,
    )


VPC_ID = _hex_id("vpc", "a VPC id", "vpc-0a1b2c3d4e5f60718")
ROUTE_TABLE_ID = _hex_id("rtb", "a route table id", "rtb-0a1b2c3d4e5f60718")
SECURITY_GROUP_ID = _hex_id("sg", "a security group id", "sg-0a1b2c3d4e5f60718")


@dataclass(frozen=True, config=GROUP_CONFIG)
class DevNetworkSettings:
    dev_vpc_id: Annotated[str, VPC_ID] = setting(
        "devVpcId", "", "Dev's VPC, peered with production (same account and region). Required."
    )
    dev_vpc_cidr: Annotated[str, Cidr(optional=True)] = setting(
        "devVpcCidr", "", "Dev's VPC range; must not overlap vpcCidr (peered VPCs cannot). Required."
    )
    dev_route_table_ids: Annotated[tuple[str, ...], Items(ROUTE_TABLE_ID, 0, 20)] = setting(
        "devRouteTableIds",
        (),
        "Dev route tables that get routes to production's private subnets (those of dev's app "
        "and database subnets). Required.",
    )
    dev_app_security_group_id: Annotated[str, SECURITY_GROUP_ID] = setting(
        "devAppSecurityGroupId",
        "",
        "Dev app fleet's group: admitted to the production MySQL on 3306. Required.",
    )
    dev_db_security_group_id: Annotated[str, SECURITY_GROUP_ID] = setting(
        "devDbSecurityGroupId",
        "",
        "Dev MySQL's group: the replication pair with production on 3306. Required.",
    )


def linked_while_the_phase_peers(s: Settings) -> Iterator[Problem]:
    """Every id the peering needs, while the phase links production with dev."""
    if not phase_only_plan(s.core).dev_link:
        return
    dn = s.dev_network
    why = f"; phase {s.core.migration_phase.value!r} peers production with dev's VPC"
    required = (
        ("devVpcId", dn.dev_vpc_id, "dev's VPC id (e.g. vpc-0a1b2c3d4e5f60718)"),
        ("devVpcCidr", dn.dev_vpc_cidr, "dev's VPC range (e.g. 10.20.0.0/16)"),
        ("devAppSecurityGroupId", dn.dev_app_security_group_id, "dev's app security group id"),
        ("devDbSecurityGroupId", dn.dev_db_security_group_id, "dev's database security group id"),
    )
    for key, value, what in required:
        if not value:
            yield Problem(key, value, what + why)
    if not dn.dev_route_table_ids:
        yield Problem("devRouteTableIds", [], "at least one of dev's route table ids" + why)


def dev_range_apart_from_prod(s: Settings) -> Iterator[Problem]:
    dev, prod = s.dev_network.dev_vpc_cidr, s.network.vpc_cidr
    if dev and ipaddress.IPv4Network(dev).overlaps(ipaddress.IPv4Network(prod)):
        yield Problem(
            "devVpcCidr",
            dev,
            f"a range that does not overlap vpcCidr {prod} (AWS cannot peer "
            "overlapping VPCs, and routes could not tell the two apart)",
        )


def app_and_db_groups_apart(s: Settings) -> Iterator[Problem]:
    dn = s.dev_network
    if dn.dev_app_security_group_id and dn.dev_app_security_group_id == dn.dev_db_security_group_id:
        yield Problem(
            "devDbSecurityGroupId",
            dn.dev_db_security_group_id,
            "a group other than devAppSecurityGroupId: the replication rules would open the "
            "production database to dev's app fleet on more than the app's own rule",
        )


CHECKS = [linked_while_the_phase_peers, dev_range_apart_from_prod, app_and_db_groups_apart]
