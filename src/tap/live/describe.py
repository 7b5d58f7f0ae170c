"""One read-only pass over the deployed stack's AWS resources (describe_* calls only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from tap.aws_clients import AwsClients
from tap.live.db_parameters import ParameterGroup, describe_parameter_groups
from tap.live.dev_network import DevDescribed, describe_dev
from tap.live.errors import LiveReadError
from tap.live.outputs import FlatOutputs
from tap.live.services import ServiceState, read_services

if TYPE_CHECKING:
    from types_boto3_autoscaling.type_defs import AutoScalingGroupTypeDef
    from types_boto3_ec2.client import EC2Client
    from types_boto3_ec2.type_defs import (
        FilterTypeDef,
        NatGatewayTypeDef,
        ResponseLaunchTemplateDataTypeDef,
        RouteTableTypeDef,
        SecurityGroupTypeDef,
        SubnetTypeDef,
        VpcTypeDef,
    )
    from types_boto3_elbv2.type_defs import ListenerTypeDef, LoadBalancerTypeDef
    from types_boto3_rds.type_defs import DBInstanceTypeDef


@dataclass
class Described:
    """Raw describe_* results, keyed the way the AWS APIs return them."""

    vpc: VpcTypeDef
    subnets: list[SubnetTypeDef] = field(default_factory=list)
    route_tables: list[RouteTableTypeDef] = field(default_factory=list)
    nat_gateways: list[NatGatewayTypeDef] = field(default_factory=list)
    security_groups: list[SecurityGroupTypeDef] = field(default_factory=list)
    load_balancer: LoadBalancerTypeDef | None = None
    lb_attributes: dict[str, str] = field(default_factory=dict)
    listeners: list[ListenerTypeDef] = field(default_factory=list)
    auto_scaling_groups: list[AutoScalingGroupTypeDef] = field(default_factory=list)
    launch_templates: dict[str, ResponseLaunchTemplateDataTypeDef] = field(default_factory=dict)
    """launch template id -> the LaunchTemplateData of the version the group uses."""
    db_instance: DBInstanceTypeDef | None = None
    db_parameter_groups: list[ParameterGroup] = field(default_factory=list)
    """The instance's parameter groups as RDS has them, with the parameters set on each."""
    services: ServiceState = field(default_factory=ServiceState)
    """The buckets, key, alarms and weighted records the outputs name."""
    dev: DevDescribed | None = None
    """Dev's route tables, groups and the peering (issue 10), while the stack links dev."""


def _vpc_filter(vpc_id: str) -> list[FilterTypeDef]:
    return [{"Name": "vpc-id", "Values": [vpc_id]}]


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
    _network(ec2, vpc_id, d)
    _load_balancer(clients, outputs, d)
    _fleets(clients, ec2, outputs, d)
    _database(clients, outputs, d)
    d.services = read_services(clients, outputs)
    d.dev = describe_dev(ec2, outputs)
    return d


def _network(ec2: EC2Client, vpc_id: str, d: Described) -> None:
    in_vpc = _vpc_filter(vpc_id)
    # Each paginator is typed by its operation; chain joins the pages' lists.
    subnets = ec2.get_paginator("describe_subnets").paginate(Filters=in_vpc)
    d.subnets = list(chain.from_iterable(p["Subnets"] for p in subnets))
    tables = ec2.get_paginator("describe_route_tables").paginate(Filters=in_vpc)
    d.route_tables = list(chain.from_iterable(p["RouteTables"] for p in tables))
    nats = ec2.get_paginator("describe_nat_gateways").paginate(Filters=in_vpc)
    d.nat_gateways = [
        n
        for n in chain.from_iterable(p["NatGateways"] for p in nats)
        if n.get("State") in ("available", "pending")
    ]
    groups = ec2.get_paginator("describe_security_groups").paginate(Filters=in_vpc)
    d.security_groups = list(chain.from_iterable(p["SecurityGroups"] for p in groups))


def _load_balancer(clients: AwsClients, outputs: FlatOutputs, d: Described) -> None:
    alb_arn = outputs.optional("alb_arn")
    if not alb_arn:
        return
    elb = clients.client("elbv2")
    lbs = elb.describe_load_balancers(LoadBalancerArns=[alb_arn]).get("LoadBalancers", [])
    d.load_balancer = lbs[0] if lbs else None
    if d.load_balancer:
        attrs = elb.describe_load_balancer_attributes(LoadBalancerArn=alb_arn).get("Attributes", [])
        d.lb_attributes = {a["Key"]: a.get("Value", "") for a in attrs}
        d.listeners = elb.describe_listeners(LoadBalancerArn=alb_arn).get("Listeners", [])


def _fleets(clients: AwsClients, ec2: EC2Client, outputs: FlatOutputs, d: Described) -> None:
    """The fleets and, for each, the launch template version it launches."""
    names = [n for n in (outputs.optional("blue_asg_name"), outputs.optional("green_asg_name")) if n]
    if not names:
        return
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
            d.launch_templates[lt_id] = versions[0].get("LaunchTemplateData", {})


def _database(clients: AwsClients, outputs: FlatOutputs, d: Described) -> None:
    db_id = outputs.optional("db_instance_identifier")
    if not db_id:
        return
    rds = clients.client("rds")
    found = rds.describe_db_instances(DBInstanceIdentifier=db_id).get("DBInstances", [])
    d.db_instance = found[0] if found else None
    d.db_parameter_groups = describe_parameter_groups(rds, d.db_instance) if d.db_instance else []
