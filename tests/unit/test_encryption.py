"""SPEC R3.1: the customer-managed key."""

from __future__ import annotations

import json

from tap.offline.plan import Plan


def test_r3_1_key_rotates_and_is_protected(plan: Plan) -> None:
    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    assert key.get("enableKeyRotation") is True
    assert key.protect, "destroying the key makes every backup it encrypted unreadable"


def test_r3_1_alias_names_the_key(plan: Plan) -> None:
    key, alias = (
        plan.one("aws:kms/key:Key", "prod-kms-pay01"),
        plan.one("aws:kms/alias:Alias", "prod-kms-alias-pay01"),
    )
    assert alias.get("name") == "alias/prod-encryption-pay01"
    assert alias.get("targetKeyId") == key.outputs["keyId"]


def test_r3_1_key_policy_lets_autoscaling_service_linked_role_use_and_grant(plan: Plan) -> None:
    policy = json.loads(plan.one("aws:kms/key:Key", "prod-kms-pay01").get("policy"))
    slr = (
        "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/"
        "AWSServiceRoleForAutoScaling"
    )
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["AutoScalingUsesKeyForEbs"]["Principal"] == {"AWS": slr}
    assert "kms:GenerateDataKey*" in by_sid["AutoScalingUsesKeyForEbs"]["Action"]
    grant = by_sid["AutoScalingGrantsForEbs"]
    assert grant["Action"] == "kms:CreateGrant"
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_r3_1_key_policy_lets_logs_and_alarm_notifications_use_the_key(plan: Plan) -> None:
    policy = json.loads(plan.one("aws:kms/key:Key", "prod-kms-pay01").get("policy"))
    principals = [s["Principal"] for s in policy["Statement"]]
    assert {"Service": "logs.us-east-1.amazonaws.com"} in principals
    assert {"Service": "cloudwatch.amazonaws.com"} in principals
