"""SPEC R20: each deployability rule fails on a bad example naming the resource and passes on
the good one; the rules that read resource options (timeouts, provider region) get them the
way the analyzer hands them over."""

from __future__ import annotations

from typing import Any

import pytest

from tap import aws_types as t
from tap.policies.registry import STACK_RULES
from tap.policies.runner import ProviderResource, ResourceOptions, StackResource
from tests.policy.deployability_examples import (
    OPTION_PASSES,
    OPTION_VIOLATIONS,
    PROPS_VIOLATIONS,
    STACK_BROKEN,
    STACK_PASSES,
    option_violations,
)
from tests.policy.examples import SUBJECT, compliant_with, stack_violations, violations


@pytest.mark.parametrize(
    ("rule", "typ", "props", "options", "prov", "words"),
    OPTION_VIOLATIONS,
    ids=[f"{v[0]}-{i}" for i, v in enumerate(OPTION_VIOLATIONS)],
)
def test_r20_option_rule_fails_on_bad_example(
    rule: str,
    typ: str,
    props: dict[str, Any],
    options: ResourceOptions | None,
    prov: ProviderResource | None,
    words: str,
) -> None:
    found = option_violations(rule, typ, props, options, prov)
    assert any(SUBJECT in m and words in m for m in found), found


@pytest.mark.parametrize(
    ("rule", "typ", "props", "options", "prov"),
    OPTION_PASSES,
    ids=[f"{p[0]}-{i}" for i, p in enumerate(OPTION_PASSES)],
)
def test_r20_option_rule_passes_good_example(
    rule: str, typ: str, props: dict[str, Any], options: ResourceOptions | None, prov: ProviderResource | None
) -> None:
    assert option_violations(rule, typ, props, options, prov) == []


@pytest.mark.parametrize(
    ("rule", "typ", "changes", "words"),
    PROPS_VIOLATIONS,
    ids=[f"{v[0]}-{i}" for i, v in enumerate(PROPS_VIOLATIONS)],
)
def test_r20_props_rule_fails_on_bad_example(
    rule: str, typ: str, changes: dict[str, Any], words: str
) -> None:
    props = (
        compliant_with(typ, **changes) if typ in (t.RDS_INSTANCE, t.LAUNCH_TEMPLATE, t.INSTANCE) else changes
    )
    found = violations(rule, typ, props)
    assert any(SUBJECT in m and words in m for m in found), found


def test_r20_read_replica_inherits_its_version_but_not_the_upgrade_flags() -> None:
    replica = compliant_with(t.RDS_INSTANCE, replicateSourceDb="dev-db", engineVersion=None)
    assert violations("rds-engine-version-pinned", t.RDS_INSTANCE, replica) == []
    upgrading = {**replica, "autoMinorVersionUpgrade": True}
    assert violations("rds-engine-version-pinned", t.RDS_INSTANCE, upgrading)


def test_r20_auto_named_role_counts_the_random_suffix() -> None:
    from tests.policy.examples import args

    found: list[str] = []
    from tap.policies.registry import rule_named
    from tap.policies.rules import ResourceRule

    rule = rule_named("names-within-aws-limits")
    assert isinstance(rule, ResourceRule)
    rule.validate(args(t.IAM_ROLE, {}, name="r" * 57), lambda m, urn=None: found.append(m))
    assert found and "random characters" in found[0]


@pytest.mark.parametrize(
    ("rule", "resources", "words"), STACK_BROKEN, ids=[f"{b[0]}-{i}" for i, b in enumerate(STACK_BROKEN)]
)
def test_r20_stack_rule_fails_on_broken_stack(rule: str, resources: list[StackResource], words: str) -> None:
    found = stack_violations(rule, resources)
    assert any(words in m for m in found), found


@pytest.mark.parametrize("resources", STACK_PASSES, ids=range(len(STACK_PASSES)))
def test_r20_stack_rules_pass_good_stacks(resources: list[StackResource]) -> None:
    for rule in ("traffic-only-to-capacity", "listener-certificate-validated"):
        assert stack_violations(rule, resources) == [], rule


def test_r20_every_deployability_stack_rule_has_a_broken_case() -> None:
    names = {"traffic-only-to-capacity", "listener-certificate-validated"}
    assert names <= {r.name for r in STACK_RULES}
    assert names <= {b[0] for b in STACK_BROKEN}


def test_r20_live_alarm_is_judged_by_the_region_in_its_arn() -> None:
    """`tap verify --live` has no provider: the alarm's ARN says where it is."""
    live = {
        **compliant_with(t.METRIC_ALARM, namespace="AWS/Route53"),
        "arn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-green-health-check-alarm",
    }
    found = option_violations("route53-alarms-in-us-east-1", t.METRIC_ALARM, live, None, None)
    assert any("eu-west-1" in m for m in found), found
