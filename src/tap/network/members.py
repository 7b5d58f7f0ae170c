"""Which security groups a member (load balancer, launch template, instance, database,
endpoint) puts its network interfaces in: the one reading of those references, for the
stack rules (`security-group-attached`), the plan adapter and the live adapter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tap import aws_types as t
from tap.props import UNKNOWN, flag, items

# Pulumi input names of the group lists of each member type (launch templates: see below).
GROUP_KEYS: dict[str, tuple[str, ...]] = {
    t.LOAD_BALANCER: ("securityGroups",),
    t.ALB: ("securityGroups",),
    t.RDS_INSTANCE: ("vpcSecurityGroupIds",),
    t.INSTANCE: ("vpcSecurityGroupIds", "securityGroups"),
    t.VPC_ENDPOINT: ("securityGroupIds",),
}


@dataclass(frozen=True)
class TemplateKeys:
    """Where a launch template's data names groups and public addresses: Pulumi's inputs and
    EC2's `LaunchTemplateData` spell the same fields differently."""

    groups: str
    interfaces: str
    interface_groups: str
    public_ip: str


PLAN_TEMPLATE = TemplateKeys(
    "vpcSecurityGroupIds", "networkInterfaces", "securityGroups", "associatePublicIpAddress"
)
LIVE_TEMPLATE = TemplateKeys("SecurityGroupIds", "NetworkInterfaces", "Groups", "AssociatePublicIpAddress")


def template_groups(
    data: Mapping[str, Any], keys: TemplateKeys = PLAN_TEMPLATE
) -> tuple[list[Any], bool | None]:
    """(groups, public address) of a launch template: its own group list, then each network
    interface's; `public` is what an interface asks for, None when none says. An interface list
    not known yet (preview) adds UNKNOWN."""
    groups = items(data.get(keys.groups))
    public: bool | None = None
    for nic in items(data.get(keys.interfaces)):
        if nic is UNKNOWN:
            groups.append(UNKNOWN)
        elif isinstance(nic, Mapping):
            groups += items(nic.get(keys.interface_groups))
            if nic.get(keys.public_ip) is not None:
                public = flag(nic.get(keys.public_ip)) is True
    return groups, public


def member_groups(typ: str, props: Mapping[str, Any]) -> list[Any]:
    """The group references of one declared resource (empty for a type that has none)."""
    if typ == t.LAUNCH_TEMPLATE:
        return template_groups(props)[0]
    return [g for key in GROUP_KEYS.get(typ, ()) for g in items(props.get(key))]
