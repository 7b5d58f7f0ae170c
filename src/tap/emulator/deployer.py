"""Build the offline plan of a phase in the AWS API emulator: every resource the live checks
and the migration controller read is created through boto3 from the plan's own inputs (CIDRs,
zones, rules, weights, thresholds, policies), in dependency order, and every id the plan's
outputs mention is swapped for the one moto assigned.

What moto does not model (flow logs, WAF, DNSSEC, query logging, backup, dashboards) is not
created; outputs naming those keep their plan values. A caller may seed only some concerns
(the controller needs no buckets or database) and add scenario tweaks on top through boto3,
finding the emulator's ids in the returned outputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tap import aws_types as t
from tap.aws_clients import AwsClients
from tap.emulator import builders  # noqa: F401 - importing it registers the builders
from tap.emulator.builders.dns import WRITER_SWITCHED
from tap.emulator.builders.network import DEFAULT_EGRESS, DEV_NETWORK
from tap.emulator.registry import BUILDERS, STEPS, SeedContext
from tap.emulator.substitutions import Substitutions
from tap.offline.plan import Plan
from tap.outputs import flatten

# Each concern's resource types (or named steps), in the order AWS needs them created.
CONCERNS: dict[str, tuple[str, ...]] = {
    "vpc": (t.VPC, t.SUBNET),
    "routing": (
        DEV_NETWORK,
        t.INTERNET_GATEWAY,
        t.EIP,
        t.NAT_GATEWAY,
        t.ROUTE_TABLE,
        t.VPC_PEERING,
        t.ROUTE,
        t.ROUTE_TABLE_ASSOCIATION,
        t.VPC_ENDPOINT,
    ),
    "groups": (t.SECURITY_GROUP,),
    # The rules exactly as declared: AWS's defaults removed, the stack's added.
    "group-rules": (t.DEFAULT_SECURITY_GROUP, DEFAULT_EGRESS, t.INGRESS_RULE, t.EGRESS_RULE),
    "keys": (t.KMS_KEY, t.KMS_ALIAS),
    "database": (t.RDS_SUBNET_GROUP, t.RDS_PARAMETER_GROUP, t.RDS_INSTANCE),
    # After the database: the rds-db:connect ARN in the role policy names the instance's id.
    "identity": (t.IAM_ROLE, t.IAM_ROLE_POLICY, t.IAM_INSTANCE_PROFILE),
    "storage": (
        t.S3_BUCKET,
        t.S3_VERSIONING,
        t.S3_SSE,
        t.S3_PUBLIC_ACCESS_BLOCK,
        t.S3_OWNERSHIP,
        t.S3_POLICY,
        t.S3_LIFECYCLE,
        t.S3_REPLICATION,
    ),
    "traffic": (t.ACM_CERTIFICATE, t.TARGET_GROUP, t.LOAD_BALANCER, t.LISTENER),
    "fleets": (t.LAUNCH_TEMPLATE, t.ASG),
    "alerts": (t.SNS_TOPIC,),
    "dns": (t.ROUTE53_ZONE, t.ROUTE53_HEALTH_CHECK, t.ROUTE53_RECORD, WRITER_SWITCHED),
    "alarms": (t.METRIC_ALARM,),
    "state": (t.SSM_PARAMETER, t.DYNAMODB_TABLE),
    "secrets": (t.SECRET,),
}
EVERYTHING = tuple(CONCERNS)
# What the migration controller reads and writes: weights, alarms, the phase, its state table
# (and what those need to exist: a VPC with subnets and groups for the load balancer).
CONTROLLER = ("vpc", "groups", "traffic", "fleets", "alerts", "dns", "alarms", "state")


@dataclass(frozen=True)
class Seeded:
    """The deployment as built: its flat outputs (with the emulator's ids) and the plan->moto
    id map, for tweaks that start from a plan value."""

    outputs: dict[str, str]
    sub: Substitutions


def ordered(concerns: Iterable[str]) -> tuple[str, ...]:
    """`concerns` in the order they are built (CONCERNS order); an unknown name is an error."""
    wanted = set(concerns)
    unknown = wanted - set(CONCERNS)
    if unknown:
        raise ValueError(f"unknown seeder concerns {sorted(unknown)}; known: {list(CONCERNS)}")
    return tuple(c for c in CONCERNS if c in wanted)


def build(ctx: SeedContext, concern: str) -> None:
    """Create one concern's resources behind `ctx`, recording moto's ids in `ctx.sub`."""
    for key in CONCERNS[concern]:
        if key in STEPS:
            STEPS[key](ctx)
            continue
        for resource in ctx.of(key):
            BUILDERS[key](ctx, resource)


def seeded(ctx: SeedContext) -> Seeded:
    """The plan's flat outputs with the ids `ctx` has recorded so far."""
    flat = flatten(ctx.plan.outputs)
    return Seeded({k: ctx.sub.text(v) for k, v in flat.items()}, ctx.sub)


def deploy(clients: AwsClients, plan: Plan, concerns: Iterable[str] = EVERYTHING) -> Seeded:
    """Create `plan` (the concerns asked for, in dependency order) behind `clients`."""
    ctx = SeedContext(clients, plan)
    for concern in ordered(concerns):
        build(ctx, concern)
    return seeded(ctx)
