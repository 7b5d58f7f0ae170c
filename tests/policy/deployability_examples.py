"""Bad examples for the deployability rules (SPEC R20) that need resource options (custom
timeouts, the provider's region), which the props-only examples cannot carry, and broken
stacks for the deployability stack rules."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.components import timeouts
from tap.policies.offline import (
    CustomTimeouts,
    ProviderResource,
    ResourceArgs,
    ResourceOptions,
    StackResource,
)
from tap.policies.registry import rule_named
from tap.policies.rules import ResourceRule
from tests.policy.examples import COMPLIANT, SUBJECT, compliant_with, res
from tests.policy.stack_examples import LB_ARN, TG_ARN, good_stack, replaced

BLUE_TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prod-tg-blue/abc"


def provider(region: str) -> ProviderResource:
    return ProviderResource(
        resource_type="pulumi:providers:aws",
        props={"region": region},
        urn=f"urn:pulumi:test::tap::pulumi:providers:aws::aws-{region}",
        name=f"aws-{region}",
    )


def opts(**seconds: float) -> ResourceOptions:
    return ResourceOptions(CustomTimeouts(**{f"{op}_seconds": v for op, v in seconds.items()}))


def full_timeouts(typ: str) -> ResourceOptions:
    ops = timeouts.REQUIRED_TIMEOUTS[typ]
    return opts(**{op: tmo.seconds for op, tmo in ops.items()})


def option_violations(
    rule: str, typ: str, props: dict[str, Any], options: ResourceOptions | None, prov: ProviderResource | None
) -> list[str]:
    r = rule_named(rule)
    assert isinstance(r, ResourceRule)
    found: list[str] = []
    a = ResourceArgs(
        resource_type=typ,
        props=props,
        urn=f"urn:pulumi:test::tap::{typ}::{SUBJECT}",
        name=SUBJECT,
        opts=options,
        provider=prov,
    )
    r.validate(a, lambda message, urn=None: found.append(message))
    return found


ROUTE53_ALARM = compliant_with(
    t.METRIC_ALARM,
    namespace="AWS/Route53",
    metricName="HealthCheckStatus",
    dimensions={"HealthCheckId": "hc-1"},
)

# (rule, type, props, options, provider, words the message must contain)
OPTION_VIOLATIONS: list[
    tuple[str, str, dict[str, Any], ResourceOptions | None, ProviderResource | None, str]
] = [
    (
        "long-operations-carry-timeouts",
        t.RDS_SNAPSHOT_COPY,
        COMPLIANT[t.RDS_SNAPSHOT_COPY],
        opts(),
        None,
        "20 min",
    ),
    (
        "long-operations-carry-timeouts",
        t.RDS_INSTANCE,
        COMPLIANT[t.RDS_INSTANCE],
        opts(create=timeouts.INSTANCE_CREATE.seconds, update=3600.0, delete=timeouts.INSTANCE_DELETE.seconds),
        None,
        "waits 60 min to update",
    ),
    (
        "long-operations-carry-timeouts",
        t.RDS_SNAPSHOT,
        {},
        opts(create=1200.0),
        None,
        "customTimeouts.create",
    ),
    ("long-operations-carry-timeouts", t.ACM_VALIDATION, {}, opts(), None, "provider default 75 min"),
    ("long-operations-carry-timeouts", t.NAT_GATEWAY, {}, opts(create=1200.0), None, "to delete"),
    (
        "route53-alarms-in-us-east-1",
        t.METRIC_ALARM,
        ROUTE53_ALARM,
        opts(),
        provider("eu-west-1"),
        "eu-west-1",
    ),
    (
        "route53-alarms-in-us-east-1",
        t.METRIC_ALARM,
        compliant_with(
            t.METRIC_ALARM,
            metricQueries=[
                {"id": "m", "metric": {"namespace": "AWS/Route53", "metricName": "HealthCheckStatus"}}
            ],
        ),
        opts(),
        provider("us-west-2"),
        "only in us-east-1",
    ),
    (
        "route53-alarms-in-us-east-1",
        t.METRIC_ALARM,
        ROUTE53_ALARM,
        opts(),
        None,
        "explicit us-east-1 provider",
    ),
]

# Passing counterparts: the same resources with what the rule asks for.
OPTION_PASSES: list[tuple[str, str, dict[str, Any], ResourceOptions | None, ProviderResource | None]] = [
    *[
        ("long-operations-carry-timeouts", typ, {}, full_timeouts(typ), None)
        for typ in timeouts.REQUIRED_TIMEOUTS
    ],
    # Read from AWS (tap verify --live): no options to judge.
    ("long-operations-carry-timeouts", t.RDS_SNAPSHOT_COPY, {}, None, None),
    ("route53-alarms-in-us-east-1", t.METRIC_ALARM, ROUTE53_ALARM, opts(), provider("us-east-1")),
    ("route53-alarms-in-us-east-1", t.METRIC_ALARM, COMPLIANT[t.METRIC_ALARM], opts(), provider("eu-west-1")),
    (
        "route53-alarms-in-us-east-1",
        t.METRIC_ALARM,
        {**ROUTE53_ALARM, "arn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:x"},
        None,
        None,
    ),
]


def _listener(weights: list[tuple[str, float]], **props: Any) -> StackResource:
    return res(
        t.LISTENER,
        "https",
        loadBalancerArn=LB_ARN,
        defaultActions=[
            {"type": "forward", "forward": {"targetGroups": [{"arn": a, "weight": w} for a, w in weights]}}
        ],
        **props,
    )


def with_blue_group(blue_weight: float, blue_desired: float) -> list[StackResource]:
    """good_stack plus a blue target group and fleet, the listener splitting between them."""
    rs = [r for r in good_stack() if r.name != "https"]
    return [
        *rs,
        res(t.TARGET_GROUP, "tg-blue", id=BLUE_TG_ARN, arn=BLUE_TG_ARN, port=8080.0),
        res(
            t.ASG,
            "asg-blue",
            vpcZoneIdentifiers=["subnet-priv-a"],
            targetGroupArns=[BLUE_TG_ARN],
            desiredCapacity=blue_desired,
            maxSize=3.0,
        ),
        _listener([(TG_ARN, 100.0 - blue_weight), (BLUE_TG_ARN, blue_weight)]),
    ]


CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"


def with_certificate(validated: bool) -> list[StackResource]:
    rs = [r for r in good_stack() if r.name != "https"]
    cert = res(t.ACM_CERTIFICATE, "certificate", arn=CERT_ARN, domainName="app.payments.example.com")
    validation = res(t.ACM_VALIDATION, "certificate-validation", certificateArn=CERT_ARN)
    listener = _listener([(TG_ARN, 100.0)], certificateArn=CERT_ARN, protocol="HTTPS")
    if validated:
        listener.dependencies = [validation]
    return [*rs, cert, validation, listener]


STACK_BROKEN: list[tuple[str, list[StackResource], str]] = [
    ("traffic-only-to-capacity", with_blue_group(blue_weight=50.0, blue_desired=0.0), "tg-blue"),
    (
        "traffic-only-to-capacity",
        replaced(good_stack(), "asg-green", desiredCapacity=0.0),
        "no target group with capacity",
    ),
    ("listener-certificate-validated", with_certificate(validated=False), "pending validation"),
]
STACK_PASSES: list[list[StackResource]] = [
    with_blue_group(blue_weight=0.0, blue_desired=0.0),
    with_blue_group(blue_weight=50.0, blue_desired=2.0),
    # No capacity anywhere, and DNS sends the ALB nothing (before blue-green).
    replaced(good_stack(green=0.0, blue=100.0), "asg-green", desiredCapacity=0.0),
    with_certificate(validated=True),
]

# (rule, type, changes to the compliant example or whole props, words the message must contain)
PROPS_VIOLATIONS: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "rds-phase-changes-apply-immediately",
        t.RDS_INSTANCE,
        {"applyImmediately": False},
        "maintenance window",
    ),
    ("rds-engine-version-pinned", t.RDS_INSTANCE, {"engineVersion": "8.0"}, "'8.0'"),
    (
        "rds-engine-version-pinned",
        t.RDS_INSTANCE,
        {"autoMinorVersionUpgrade": True},
        "autoMinorVersionUpgrade",
    ),
    ("rds-engine-version-pinned", t.RDS_INSTANCE, {"allowMajorVersionUpgrade": True}, "major"),
    ("ami-pinned", t.LAUNCH_TEMPLATE, {"imageId": "resolve:ssm:/aws/service/ami"}, "not an AMI id"),
    ("ami-pinned", t.INSTANCE, {"ami": "ami-XYZ"}, "not an AMI id"),
    ("names-within-aws-limits", t.TARGET_GROUP, {"name": "prod-tg-green-" + "x" * 20}, "1-32"),
    ("names-within-aws-limits", t.LOAD_BALANCER, {"name": "internal-prod-alb"}, "refused"),
    ("names-within-aws-limits", t.RDS_INSTANCE, {"identifier": "prod--rds"}, "refused"),
    ("names-within-aws-limits", t.RDS_INSTANCE, {"identifier": "p" * 64}, "1-63"),
    ("names-within-aws-limits", t.IAM_ROLE, {"name": "r" * 65}, "1-64"),
    ("names-within-aws-limits", t.SNS_TOPIC, {"name": "alarms.v2"}, "refused"),
    ("names-within-aws-limits", t.S3_BUCKET, {"bucket": "Prod-Logs"}, "refused"),
    ("names-within-aws-limits", t.S3_BUCKET, {"bucket": "ab"}, "3-63"),
    ("names-within-aws-limits", t.LAUNCH_TEMPLATE, {"name": "lt"}, "3-128"),
    ("names-within-aws-limits", t.ASG, {"name": "asg:green"}, "colon"),
]
