"""SPEC R3, R9: the rules on buckets and keys, on realistic resources near the line: TLS-only
bucket policies, object ownership and ACLs, key policies and which key encrypts what."""

from __future__ import annotations

import json
from typing import Any

from tap import aws_types as t
from tests.policy.examples import (
    KEY_ARN,
    KEY_POLICY,
    SUBJECT,
    TLS_ONLY_POLICY,
    compliant_with,
    violations,
)


def _tls_policy(**statement_changes: Any) -> str:
    statement = {**TLS_ONLY_POLICY["Statement"][0], **statement_changes}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_r3_3_tls_deny_limited_to_some_actions_fails() -> None:
    """A Deny on s3:PutObject alone still serves GetObject over plain HTTP."""
    props = compliant_with(t.S3_POLICY, policy=_tls_policy(Action="s3:PutObject"))
    found = violations("s3-tls-only-policy", t.S3_POLICY, props)
    assert len(found) == 1 and SUBJECT in found[0]


def test_r3_3_tls_deny_on_the_bucket_but_not_its_objects_fails() -> None:
    """`arn:aws:s3:::logs` matches bucket-level calls only; objects need `arn:aws:s3:::logs/*`."""
    props = compliant_with(t.S3_POLICY, policy=_tls_policy(Resource="arn:aws:s3:::logs"))
    found = violations("s3-tls-only-policy", t.S3_POLICY, props)
    assert len(found) == 1 and "objects" in found[0]


def test_r3_3_tls_deny_with_list_valued_condition_and_principal_passes() -> None:
    """IAM allows a list wherever one value goes: `["false"]` and `{"AWS": ["*"]}` are the same
    deny."""
    policy = _tls_policy(
        Principal={"AWS": ["*"]},
        Action=["s3:*"],
        Condition={"Bool": {"aws:SecureTransport": ["false"]}},
    )
    assert violations("s3-tls-only-policy", t.S3_POLICY, compliant_with(t.S3_POLICY, policy=policy)) == []


def _key_policy_with(statement: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [*KEY_POLICY["Statement"], statement]})


def test_r3_1_key_policy_letting_anyone_decrypt_fails() -> None:
    """A key anyone may decrypt with encrypts nothing; only a condition (e.g. the caller's
    account or the calling service) can make a `*` principal safe."""
    anyone = {
        "Sid": "Anyone",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    found = violations(
        "kms-key-policy-admin-root-only",
        t.KMS_KEY,
        compliant_with(t.KMS_KEY, policy=_key_policy_with(anyone)),
    )
    assert len(found) == 1 and "Anyone" in found[0]
    guarded = {**anyone, "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}}
    assert (
        violations(
            "kms-key-policy-admin-root-only",
            t.KMS_KEY,
            compliant_with(t.KMS_KEY, policy=_key_policy_with(guarded)),
        )
        == []
    )


def test_r9_1_ownership_other_than_bucket_owner_enforced_fails() -> None:
    """R9.1 asks for bucket-owner-enforced ownership: it switches ACLs off altogether."""
    good = {"bucket": "logs", "rule": {"objectOwnership": "BucketOwnerEnforced"}}
    assert violations("s3-bucket-owner-enforced", t.S3_OWNERSHIP, good) == []
    for weaker in ("ObjectWriter", "BucketOwnerPreferred"):
        found = violations(
            "s3-bucket-owner-enforced", t.S3_OWNERSHIP, {**good, "rule": {"objectOwnership": weaker}}
        )
        assert len(found) == 1 and weaker in found[0]


def test_r9_1_acl_grant_to_all_users_fails() -> None:
    """A grant to the AllUsers group is a public bucket whatever the canned ACL says."""
    grants = {
        "bucket": "logs",
        "accessControlPolicy": {
            "owner": {"id": "abc"},
            "grants": [
                {
                    "permission": "READ",
                    "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"},
                }
            ],
        },
    }
    found = violations("s3-no-public-acl", t.S3_ACL_V2, grants)
    assert len(found) == 1 and "AllUsers" in found[0]


def test_r9_1_bucket_without_ownership_controls_is_not_fully_configured() -> None:
    from tests.policy.examples import stack_violations
    from tests.policy.stack_examples import good_stack, without

    assert stack_violations("s3-bucket-fully-configured", good_stack()) == []
    found = stack_violations("s3-bucket-fully-configured", without(good_stack(), "logs-own"))
    assert len(found) == 1 and "bucket-owner-enforced" in found[0]


AWS_MANAGED = "arn:aws:kms:us-east-1:123456789012:alias/aws/"


def test_r3_2_aws_managed_key_aliases_are_not_the_customer_key() -> None:
    """`alias/aws/sns`, `alias/aws/rds`... name the AWS-managed keys: set, but not ours (their
    policy cannot be changed, and rotation and access are AWS's)."""
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("sns-topic-encrypted", t.SNS_TOPIC, {"kmsMasterKeyId": "alias/aws/sns"}),
        ("rds-encrypted-with-customer-key", t.RDS_INSTANCE, {"kmsKeyId": AWS_MANAGED + "rds"}),
        (
            "rds-performance-insights-encrypted",
            t.RDS_INSTANCE,
            {"performanceInsightsKmsKeyId": "alias/aws/rds"},
        ),
        (
            "rds-managed-master-password",
            t.RDS_INSTANCE,
            {"masterUserSecretKmsKeyId": "alias/aws/secretsmanager"},
        ),
        ("rds-snapshot-copy-encrypted", t.RDS_SNAPSHOT_COPY, {"kmsKeyId": AWS_MANAGED + "rds"}),
        ("secret-encrypted", t.SECRET, {"kmsKeyId": "alias/aws/secretsmanager"}),
        ("log-group-encrypted-with-retention", t.LOG_GROUP, {"kmsKeyId": "alias/aws/logs"}),
        (
            "dynamodb-encrypted-with-key",
            t.DYNAMODB_TABLE,
            {"serverSideEncryption": {"kmsKeyArn": AWS_MANAGED + "dynamodb"}},
        ),
    ]
    for rule, typ, change in cases:
        found = violations(rule, typ, compliant_with(typ, **change))
        assert len(found) == 1 and "AWS-managed" in found[0] and SUBJECT in found[0], (rule, found)
    ebs = compliant_with(
        t.LAUNCH_TEMPLATE,
        blockDeviceMappings=[
            {"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "kmsKeyId": "alias/aws/ebs"}}
        ],
    )
    found = violations("launch-template-ebs-encrypted", t.LAUNCH_TEMPLATE, ebs)
    assert len(found) == 1 and "AWS-managed" in found[0]


def test_r3_2_alb_log_bucket_with_kms_default_encryption_fails() -> None:
    """ELB log delivery writes only to SSE-S3 buckets: with SSE-KMS the access logs silently
    stop, and with them the audit trail of every request."""
    from tests.policy.examples import stack_violations
    from tests.policy.stack_examples import good_stack, replaced

    assert stack_violations("alb-log-bucket-sse-s3", good_stack()) == []
    kms = [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}}]
    found = stack_violations("alb-log-bucket-sse-s3", replaced(good_stack(), "logs-sse", rules=kms))
    assert len(found) == 1 and "'alb'" in found[0] and "aws:kms" in found[0]
    # the replica bucket receives no ALB logs: KMS there is fine
    assert stack_violations("alb-log-bucket-sse-s3", replaced(good_stack(), "replica-sse", rules=kms)) == []
