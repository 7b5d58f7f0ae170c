"""Dev's side of the deployed network for `tap verify --live` (issue 10): dev's route tables
and groups as they are in the account (dev owns them; the stack added routes and rules), and
the peering connection's state.

Unlike the offline plan, the live read sees dev's real rules, egress included, so nothing is
assumed open. Dev's subnets are still not read (the stack does not know which of dev's subnets
the fleet and database use): each listed route table stands for subnets spanning dev's range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tap.live.outputs import FlatOutputs

if TYPE_CHECKING:
    from types_boto3_ec2.client import EC2Client
    from types_boto3_ec2.type_defs import RouteTableTypeDef, SecurityGroupTypeDef


@dataclass
class DevDescribed:
    vpc_cidr: str
    app_group: str
    db_group: str
    route_tables: list[RouteTableTypeDef] = field(default_factory=list)
    security_groups: list[SecurityGroupTypeDef] = field(default_factory=list)
    active_peerings: set[str] = field(default_factory=set)


def describe_dev(ec2: EC2Client, outputs: FlatOutputs) -> DevDescribed | None:
    """None when the outputs name no dev link (before it exists, or after `complete`)."""
    pcx = outputs.optional("vpc_peering_connection_id")
    cidr = outputs.optional("dev_vpc_cidr_block")
    app, db = outputs.optional("dev_app_security_group_id"), outputs.optional("dev_db_security_group_id")
    tables = outputs.strings("dev_route_table_ids")
    if not (pcx and cidr and app and db and tables):
        return None
    d = DevDescribed(vpc_cidr=cidr, app_group=app, db_group=db)
    d.route_tables = ec2.describe_route_tables(RouteTableIds=tables).get("RouteTables", [])
    d.security_groups = ec2.describe_security_groups(GroupIds=[app, db]).get("SecurityGroups", [])
    peerings = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx]).get(
        "VpcPeeringConnections", []
    )
    d.active_peerings = {
        p["VpcPeeringConnectionId"] for p in peerings if (p.get("Status") or {}).get("Code") == "active"
    }
    return d
