"""One read-only pass over the deployed stack's AWS resources (describe_* calls only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tap.aws_clients import AwsClients
from tap.live.db_parameters import ParameterGroup, describe_parameter_groups
from tap.live.dev_network import DevDescribed, describe_dev
from tap.live.errors import LiveReadError
from tap.live.outputs import FlatOutputs
from tap.live.services import ServiceState, read_services


@dataclass
class Described:
    """Raw describe_* results, keyed the way the AWS APIs return them."""

    vpc: Mapping[str, Any]
    subnets: list[dict[str, Any]] = field(default_factory=list)
    route_tables: list[dict[str, Any]] = field(default_factory=list)
    nat_gateways: list[dict[str, Any]] = field(default_factory=list)
    security_groups: list[dict[str, Any]] = field(default_factory=list)
    load_balancer: Mapping[str, Any] | None = None
    lb_attributes: dict[str, str] = field(default_factory=dict)
    listeners: Sequence[Mapping[str, Any]] = field(default_factory=list)
    auto_scaling_groups: Sequence[Mapping[str, Any]] = field(default_factory=list)
    launch_templates: dict[str, dict[str, Any]] = field(default_factory=dict)
    """launch template id -> the LaunchTemplateData of the version the group uses."""
    db_instance: Mapping[str, Any] | None = None
    db_parameter_groups: list[ParameterGroup] = field(default_factory=list)
    """The instance's parameter groups as RDS has them, with the parameters set on each."""
    services: ServiceState = field(default_factory=ServiceState)
    """The buckets, key, alarms and weighted records the outputs name."""
    dev: DevDescribed | None = None
    """Dev's route tables, groups and the peering (issue 10), while the stack links dev."""


def _vpc_filter(vpc_id: str) -> list[dict[str, Any]]:
    return [{"Name": "vpc-id", "Values": [vpc_id]}]


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


def describe(clients: AwsClients, outputs: FlatOutputs) -> Described:
    """Reads everything `tap verify --live` checks. AWS errors (credentials, throttling, access
    denied, not found, 5xx) propagate to the CLI's one error edge (tap.cli.edge), which names the
    call that failed and gives each class its documented exit code."""
    return _describe(clients, outputs)


def _describe(clients: AwsClients, outputs: FlatOutputs) -> Described:
    ec2 = clients.client("ec2")
    vpc_id = outputs.text("vpc_id")
    vpcs = ec2.describe_vpcs(VpcIds=[vpc_id]).get("Vpcs", [])
    if not vpcs:
        raise LiveReadError(f"VPC {vpc_id} (output vpc_id) does not exist in {clients.region}")
    d = Described(vpc=vpcs[0])
    d.subnets = _pages(ec2, "describe_subnets", "Subnets", Filters=_vpc_filter(vpc_id))
    d.route_tables = _pages(ec2, "describe_route_tables", "RouteTables", Filters=_vpc_filter(vpc_id))
    d.nat_gateways = [
        n
        for n in _pages(ec2, "describe_nat_gateways", "NatGateways", Filter=_vpc_filter(vpc_id))
        if n.get("State") in ("available", "pending")
    ]
    d.security_groups = _pages(ec2, "describe_security_groups", "SecurityGroups", Filters=_vpc_filter(vpc_id))

    alb_arn = outputs.optional("alb_arn")
    if alb_arn:
        elb = clients.client("elbv2")
        lbs = elb.describe_load_balancers(LoadBalancerArns=[alb_arn]).get("LoadBalancers", [])
        d.load_balancer = lbs[0] if lbs else None
        if d.load_balancer:
            attrs = elb.describe_load_balancer_attributes(LoadBalancerArn=alb_arn).get("Attributes", [])
            d.lb_attributes = {a["Key"]: a.get("Value", "") for a in attrs}
            d.listeners = elb.describe_listeners(LoadBalancerArn=alb_arn).get("Listeners", [])

    names = [n for n in (outputs.optional("blue_asg_name"), outputs.optional("green_asg_name")) if n]
    if names:
        asg = clients.client("autoscaling")
        d.auto_scaling_groups = asg.describe_auto_scaling_groups(AutoScalingGroupNames=names).get(
            "AutoScalingGroups", []
        )
        for group in d.auto_scaling_groups:
            spec = group.get("LaunchTemplate") or (
                (group.get("MixedInstancesPolicy") or {})
                .get("LaunchTemplate", {})
                .get("LaunchTemplateSpecification", {})
            )
            lt_id = spec.get("LaunchTemplateId")
            if not lt_id:
                continue
            version = str(spec.get("Version") or "$Default")
            versions = ec2.describe_launch_template_versions(LaunchTemplateId=lt_id, Versions=[version]).get(
                "LaunchTemplateVersions", []
            )
            if versions:
                d.launch_templates[lt_id] = dict(versions[0].get("LaunchTemplateData", {}))

    db_id = outputs.optional("db_instance_identifier")
    if db_id:
        rds = clients.client("rds")
        found = rds.describe_db_instances(DBInstanceIdentifier=db_id).get("DBInstances", [])
        d.db_instance = found[0] if found else None
        d.db_parameter_groups = describe_parameter_groups(rds, d.db_instance) if d.db_instance else []
    d.services = read_services(clients, outputs)
    d.dev = describe_dev(ec2, outputs)
    return d
