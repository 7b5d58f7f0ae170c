"""SPEC R16, R17.3: each stack rule passes the hand-built stack and fails when one relationship
breaks, naming the resource; phase rules ask the phase machine, never compare names."""

from __future__ import annotations

import json

import pytest

from tap import aws_types as t
from tap.phases import PHASES
from tap.policies.registry import STACK_RULES
from tap.policies.runner import StackResource
from tests.policy.compliance_stack_cases import BROKEN as COMPLIANCE_BROKEN
from tests.policy.deployability_examples import STACK_BROKEN
from tests.policy.examples import res, stack_violations
from tests.policy.stack_examples import (
    PHASE_NAME,
    good_stack,
    guard_resources,
    phase_doc,
    replaced,
    without,
)


@pytest.mark.parametrize("rule", [r.name for r in STACK_RULES])
def test_r17_3_every_stack_rule_passes_the_good_stack(rule: str) -> None:
    assert stack_violations(rule, good_stack()) == []


BROKEN: list[tuple[str, list[StackResource], str]] = [
    (
        "cross-vpc-rules-group-to-group",
        [
            *good_stack(),
            res(
                t.INGRESS_RULE,
                "dev-db-wide",
                securityGroupId="sg-0f9e8d7c6b5a40312",
                ipProtocol="tcp",
                fromPort=0.0,
                toPort=65535.0,
                referencedSecurityGroupId="sg-db",
                description="too wide",
            ),
        ],
        "dev-db-wide",
    ),
    (
        "writer-record-short-ttl-cname",
        [
            *good_stack(),
            res(t.ROUTE53_ZONE, "writer-zone", id="Z0PRIV", zoneId="Z0PRIV", vpcs=[{"vpcId": "vpc-1"}]),
            res(t.ROUTE53_RECORD, "writer", zoneId="Z0PRIV", type="CNAME", ttl=300.0, records=["x"]),
        ],
        "writer",
    ),
    (
        "security-group-attached",
        [*good_stack(), res(t.SECURITY_GROUP, "orphan-sg", id="sg-orphan")],
        "orphan-sg",
    ),
    (
        "internet-ingress-only-on-alb-group",
        [
            *good_stack(),
            res(
                t.INGRESS_RULE,
                "db-open",
                securityGroupId="sg-db",
                ipProtocol="tcp",
                fromPort=443.0,
                toPort=443.0,
                cidrIpv4="0.0.0.0/0",
                description="oops",
            ),
        ],
        "db-open",
    ),
    ("rds-multi-az-per-phase", replaced(good_stack(), "prod-rds", multiAz=False), "prod-rds"),
    ("s3-bucket-fully-configured", without(good_stack(), "logs-pab"), "public access block"),
    ("s3-bucket-fully-configured", without(good_stack(), "replica-policy"), "TLS-only"),
    ("s3-log-bucket-replicated", without(good_stack(), "replication"), "'logs'"),
    ("waf-on-internet-facing-alb", without(good_stack(), "waf-assoc"), "'alb'"),
    ("vpc-flow-logs-all-traffic", without(good_stack(), "flow-log"), "no flow log"),
    (
        "alb-log-bucket-sse-s3",
        replaced(
            good_stack(),
            "logs-sse",
            rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}],
        ),
        "SSE-S3",
    ),
    (
        "dns-weights-never-all-zero",
        replaced(
            replaced(good_stack(), "green", weightedRoutingPolicies=[{"weight": 0.0}]),
            "blue",
            weightedRoutingPolicies=[{"weight": 0.0}],
        ),
        "weight 0",
    ),
    (
        "dns-weights-match-phase",
        replaced(good_stack(), "green", weightedRoutingPolicies=[{"weight": 50.0}]),
        "'green'",
    ),
    (
        "dns-weights-match-phase",
        replaced(good_stack(), "phase", insecureValue=phase_doc("complete")),
        "removes",
    ),
    (
        "fleets-in-private-subnets",
        replaced(good_stack(), "asg-green", vpcZoneIdentifiers=["subnet-pub-a"]),
        "public subnet subnet-pub-a",
    ),
    (
        "db-subnet-group-private-only",
        replaced(good_stack(), "db-subnets", subnetIds=["subnet-pub-b"]),
        "subnet-pub-b",
    ),
    ("alb-in-public-subnets", replaced(good_stack(), "alb", subnets=["subnet-priv-a"]), "subnet-priv-a"),
    ("target-group-is-listener-target", without(good_stack(), "https"), "tg-green"),
    (
        "target-group-is-listener-target",
        replaced(good_stack(), "asg-green", targetGroupArns=[]),
        "no Auto Scaling",
    ),
    ("phase-parameter-recorded", without(good_stack(), "phase"), "migration/phase"),
    (
        "rollback-guard-armed-per-phase",
        without(without(good_stack(), "rollback-guard"), "rollback-guard-rule"),
        "arms the rollback guard",
    ),
    (
        "rollback-guard-armed-per-phase",
        [*good_stack("blue-green", green=0.0, blue=100.0), *guard_resources()],
        "does not arm",
    ),
    (
        "rollback-guard-armed-per-phase",
        replaced(
            good_stack(),
            "rollback-guard",
            content=json.dumps(
                {
                    "mainSteps": [
                        {"name": "Wipe", "inputs": {"ChangeBatch": {"Changes": [{"Action": "DELETE"}]}}}
                    ]
                }
            ),
        ),
        "only UPSERT",
    ),
    (
        "phase-parameter-recorded",
        replaced(good_stack(), "phase", insecureValue='{"phase": "traffic-shift-25"}'),
        "traffic-shift-25",
    ),
    *COMPLIANCE_BROKEN,
]


@pytest.mark.parametrize(
    ("rule", "resources", "expected"), BROKEN, ids=[f"{b[0]}-{i}" for i, b in enumerate(BROKEN)]
)
def test_r17_3_broken_relationship_fails_naming_the_resource(
    rule: str, resources: list[StackResource], expected: str
) -> None:
    found = stack_violations(rule, resources)
    assert found, rule
    assert any(expected in m for m in found), found


def test_r16_every_stack_rule_has_a_broken_case() -> None:
    covered = {b[0] for b in BROKEN} | {b[0] for b in STACK_BROKEN}  # deployability: its own file
    assert {r.name for r in STACK_RULES} <= covered


def test_r11_2_multi_az_follows_the_phase_machine_not_names() -> None:
    """In every phase, a single-AZ instance fails exactly when the phase machine asks for Multi-AZ."""
    from tap.phase_plan import Capacity, FleetSizes, plan_for

    sizes = FleetSizes(green_active=Capacity(min=3, max=9, desired=3), blue_standby_max=3)
    for phase in PHASES:
        single = replaced(
            replaced(good_stack(), "prod-rds", multiAz=False), "phase", insecureValue=phase_doc(phase)
        )
        assert bool(stack_violations("rds-multi-az-per-phase", single)) == plan_for(phase, sizes).multi_az


def test_r5_1_dev_instance_outside_the_stack_subnet_groups_is_not_judged() -> None:
    """dev is read, never owned: its single-AZ state is not a violation of this stack."""
    found = stack_violations("rds-multi-az-per-phase", good_stack())
    assert not any("dev-rds" in m for m in found)


def test_r8_2_dev_record_gone_at_complete_passes() -> None:
    at_complete = replaced(good_stack(green=100.0, blue=None), "phase", insecureValue=phase_doc("complete"))
    assert stack_violations("dns-weights-match-phase", at_complete) == []


def test_r16_unknown_stack_values_are_not_violations() -> None:
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

    unknown = [
        StackResource(
            r.resource_type,
            unknown_checking_proxy({k: UNKNOWN_STRING_VALUE for k in r.props}),
            r.urn,
            r.name,
            r.provider,
        )
        for r in good_stack()
    ]
    for rule in STACK_RULES:
        if rule.name == "phase-parameter-recorded":
            continue  # a parameter whose name is unknown cannot be found; see the next assertion
        assert stack_violations(rule.name, unknown) == [], rule.name
    assert PHASE_NAME.endswith("/migration/phase")


def test_r16_stack_violation_carries_the_urn_of_the_resource_at_fault() -> None:
    """`pulumi preview` shows a stack policy's violation against the resource whose URN it names."""
    from tap.policies.registry import rule_named
    from tap.policies.rules import StackRule
    from tap.policies.runner import StackArgs

    stack = replaced(good_stack(), "prod-rds", multiAz=False)
    reported: list[tuple[str, str | None]] = []
    rule = rule_named("rds-multi-az-per-phase")
    assert isinstance(rule, StackRule)
    rule.validate(StackArgs(resources=stack), lambda m, urn=None: reported.append((m, urn)))
    assert [urn for _m, urn in reported] == [next(r.urn for r in stack if r.name == "prod-rds")]
