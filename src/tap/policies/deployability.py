"""Deployability (SPEC R20): provider and AWS behaviour that the mock engine cannot show, as
rules. Each rule names the behaviour it guards; docs/deployability.md cites the provider source
(hashicorp/terraform-provider-aws, bridged by pulumi-aws) each one rests on.

Resource rules that need resource options (custom timeouts, the provider's region) skip a
resource whose options the caller cannot know (`tap verify --live` reads resources from AWS,
which keeps no Pulumi options).
"""

from __future__ import annotations

import re
from typing import Final

from tap import aws_types as t
from tap.components.timeouts import REQUIRED_TIMEOUTS
from tap.policies.props import UNKNOWN, flag, is_unknown
from tap.policies.rules import Report, Resource, resource_rule

# Inputs of aws_db_instance that the phase machine changes between phases. Without
# apply_immediately, resourceInstanceUpdate sends ModifyDBInstance with ApplyImmediately=false
# and RDS holds the change for the next maintenance window (a diff in every preview until
# then). tests/unit/test_deployability_stack.py renders every phase and fails when another
# input starts to differ, so this list cannot fall behind the phase machine.
PHASE_DEPENDENT_RDS_INPUTS: Final = ("multiAz",)

EXACT_ENGINE_VERSION: Final = re.compile(r"\d+\.\d+\.\d+")
AMI_ID: Final = re.compile(r"ami-([0-9a-f]{8}|[0-9a-f]{17})")
ROUTE53_METRICS_REGION: Final = "us-east-1"


@resource_rule(
    "long-operations-carry-timeouts",
    "Snapshots, snapshot copies, RDS instances (restore, Multi-AZ conversion, delete), "
    "certificate validations and NAT gateways carry custom timeouts at least those of "
    "tap.components.timeouts: the provider's defaults (20 min for a snapshot copy) give up "
    "while AWS is still working.",
    "R20",
    *REQUIRED_TIMEOUTS,
)
def long_operations_timeouts(r: Resource, report: Report) -> None:
    if r.timeouts is None:
        return
    for op, needed in REQUIRED_TIMEOUTS[r.type].items():
        have = r.timeouts.get(op, 0.0)
        if have < needed.seconds:
            shown = (
                f"waits {have / 60:g} min"
                if have
                else f"carries no custom timeout (provider default {needed.provider_default_minutes} min)"
            )
            report(
                f"{r.label} {shown} to {op}; set customTimeouts.{op} to at least "
                f"{needed.minutes} min: {needed.reason}"
            )


@resource_rule(
    "rds-phase-changes-apply-immediately",
    "An RDS instance whose inputs the phase machine changes (Multi-AZ) sets applyImmediately, "
    "so the change happens in the phase's update and not in the next maintenance window.",
    "R20, R5",
    t.RDS_INSTANCE,
)
def rds_apply_immediately(r: Resource, report: Report) -> None:
    phase_driven = [k for k in PHASE_DEPENDENT_RDS_INPUTS if r.get(k) is not None]
    if not phase_driven:
        return
    applied = flag(r.get("applyImmediately"))
    if applied is not UNKNOWN and applied is not True:
        report(
            f"{r.label} sets {', '.join(phase_driven)} (changed by the phase machine) without "
            "applyImmediately=true: RDS would defer the change to the maintenance window"
        )


@resource_rule(
    "rds-engine-version-pinned",
    "An RDS instance names an exact engine version (8.0.N / 8.4.N, never a major-only one, "
    "which a restore turns into a modify to the default minor) and turns automatic minor and "
    "major upgrades off for the migration.",
    "R20, R5",
    t.RDS_INSTANCE,
)
def rds_engine_pinned(r: Resource, report: Report) -> None:
    # A read replica inherits its source's version (engine_version conflicts with
    # replicate_source_db in the provider schema); its upgrade flags still matter.
    if r.get("replicateSourceDb") is None:
        version = r.get("engineVersion")
        if version is not UNKNOWN and not (
            isinstance(version, str) and EXACT_ENGINE_VERSION.fullmatch(version)
        ):
            report(
                f"{r.label} has engineVersion {version!r}: pin an exact version such as 8.0.40 "
                "(a major-only version restores to the default minor, an unplanned upgrade)"
            )
    # The provider's schema defaults auto_minor_version_upgrade to true.
    minor = flag(r.get("autoMinorVersionUpgrade"))
    if minor is not UNKNOWN and minor is not False:
        report(f"{r.label} leaves autoMinorVersionUpgrade on: RDS may upgrade it mid-migration")
    if flag(r.get("allowMajorVersionUpgrade")) is True:
        report(f"{r.label} allows major version upgrades during the migration")


@resource_rule(
    "ami-pinned",
    "Launch templates and instances name an explicit AMI id (ami- and 8 or 17 hex digits), set "
    "from a reviewed setting, never resolved on each run.",
    "R20, R6",
    t.LAUNCH_TEMPLATE,
    t.INSTANCE,
)
def ami_pinned(r: Resource, report: Report) -> None:
    key = "imageId" if r.type == t.LAUNCH_TEMPLATE else "ami"
    image = r.get(key)
    if is_unknown(image):
        return  # a literal is known at preview; the settings refuse an unpinned amiId
    if not (isinstance(image, str) and AMI_ID.fullmatch(image)):
        report(f"{r.label} {key} is {image!r}, not an AMI id (ami- and 8 or 17 lowercase hex digits)")


def _alarm_namespaces(r: Resource) -> set[str]:
    found = {r.get("namespace")}
    for q in r.get("metricQueries") or []:
        if isinstance(q, dict) and isinstance(q.get("metric"), dict):
            found.add(q["metric"].get("namespace"))
    return {n for n in found if isinstance(n, str)}


@resource_rule(
    "route53-alarms-in-us-east-1",
    "Alarms on AWS/Route53 metrics are created in us-east-1, the only region Route53 publishes "
    "them in; elsewhere they get no data, count as breaching and block the alarm gate.",
    "R20, R10",
    t.METRIC_ALARM,
)
def route53_alarm_region(r: Resource, report: Report) -> None:
    if "AWS/Route53" not in _alarm_namespaces(r):
        return
    region = r.provider_region
    arn = r.get("arn")
    if region is None and isinstance(arn, str) and arn.startswith("arn:aws:cloudwatch:"):
        region = arn.split(":")[3]
    if region is None:
        if r.timeouts is None and not isinstance(arn, str):
            return  # read from AWS without its ARN: nothing to judge
        report(f"{r.label} watches a Route53 metric without an explicit us-east-1 provider")
    elif region != ROUTE53_METRICS_REGION:
        report(f"{r.label} watches a Route53 metric from {region}; Route53 publishes it only in us-east-1")


RULES = [long_operations_timeouts, rds_apply_immediately, rds_engine_pinned, ami_pinned, route53_alarm_region]
