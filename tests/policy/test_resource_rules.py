"""SPEC R16, R17.3: every resource rule passes a compliant resource, fails a violating one with
a message naming it, and neither crashes nor fails on missing or not-yet-known properties."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    unknown_checking_proxy,
)

from tap import aws_types as t
from tap.policies.registry import RESOURCE_RULES
from tap.policies.rules import ANY_TYPE, ResourceRule
from tests.policy.compliance_cases import VIOLATIONS as COMPLIANCE_VIOLATIONS
from tests.policy.deployability_examples import OPTION_VIOLATIONS, PROPS_VIOLATIONS
from tests.policy.examples import (
    APP_POLICY,
    COMPLIANT,
    DELETE,
    KEY_POLICY,
    SUBJECT,
    TLS_ONLY_POLICY,
    compliant_with,
    violations,
)

CASES = [
    (rule, typ)
    for rule in RESOURCE_RULES
    for typ in sorted(COMPLIANT if ANY_TYPE in rule.types else rule.types & COMPLIANT.keys())
]


def _id(case: tuple[ResourceRule, str]) -> str:
    return f"{case[0].name}-{case[1].rsplit(':', 1)[-1]}"


def test_r16_every_resource_rule_has_a_compliant_example() -> None:
    uncovered = [r.name for r in RESOURCE_RULES if ANY_TYPE not in r.types and not r.types & COMPLIANT.keys()]
    assert uncovered == []


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_r17_3_compliant_resource_passes(case: tuple[ResourceRule, str]) -> None:
    rule, typ = case
    assert violations(rule, typ, COMPLIANT[typ]) == []


def _unknown_like(v: Any) -> str:
    if isinstance(v, bool):
        return UNKNOWN_BOOLEAN_VALUE
    if isinstance(v, int | float):
        return UNKNOWN_NUMBER_VALUE
    if isinstance(v, list):
        return UNKNOWN_ARRAY_VALUE
    if isinstance(v, dict):
        return UNKNOWN_OBJECT_VALUE
    return UNKNOWN_STRING_VALUE


def _leaves_unknown(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _leaves_unknown(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_leaves_unknown(x) for x in v]
    return _unknown_like(v)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_r16_unknown_preview_values_are_not_violations(case: tuple[ResourceRule, str]) -> None:
    """During `pulumi preview` pulumi_policy hands over a proxy that raises on unknown values."""
    rule, typ = case
    whole = unknown_checking_proxy({k: _unknown_like(v) for k, v in COMPLIANT[typ].items()})
    leaves = unknown_checking_proxy(_leaves_unknown(COMPLIANT[typ]))
    assert violations(rule, typ, whole) == []
    assert violations(rule, typ, leaves) == []


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_r16_missing_properties_do_not_crash(case: tuple[ResourceRule, str]) -> None:
    rule, typ = case
    for found in (violations(rule, typ, {}), violations(rule, typ, {k: None for k in COMPLIANT[typ]})):
        assert all(SUBJECT in m or "subject" in m for m in found)


B64 = base64.b64encode

# (rule, type, changes to the compliant example, text the message must contain)
VIOLATIONS: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "rds-seed-replica-private-and-pinned",
        t.RDS_INSTANCE,
        {"replicateSourceDb": "payments-dev-mysql", "autoMinorVersionUpgrade": True},
        "minor version",
    ),
    ("internet-ingress-https-only", t.INGRESS_RULE, {"fromPort": 80.0, "toPort": 80.0}, "only TCP 443"),
    (
        "internet-ingress-https-only",
        t.INGRESS_RULE,
        {"cidrIpv4": DELETE, "cidrIpv6": "::/0", "fromPort": 8080.0, "toPort": 8080.0},
        "::/0",
    ),
    (
        "internet-ingress-https-only",
        t.INGRESS_RULE,
        {"cidrIpv4": "52.94.0.0/16", "fromPort": 3306.0, "toPort": 3306.0},
        "52.94.0.0/16",
    ),
    (
        "internet-ingress-https-only",
        t.SECURITY_GROUP,
        {
            "ingress": [
                {
                    "protocol": "tcp",
                    "fromPort": 80.0,
                    "toPort": 80.0,
                    "cidrBlocks": ["0.0.0.0/0"],
                    "description": "http",
                }
            ]
        },
        "inline ingress",
    ),
    (
        "no-admin-or-catch-all-rules",
        t.INGRESS_RULE,
        {"cidrIpv4": "10.0.0.0/16", "fromPort": 22.0, "toPort": 22.0},
        "SSH",
    ),
    ("no-admin-or-catch-all-rules", t.LEGACY_SG_RULE, {"fromPort": 3389.0, "toPort": 3389.0}, "RDP"),
    ("no-admin-or-catch-all-rules", t.EGRESS_RULE, {"ipProtocol": "-1"}, "all protocols"),
    ("no-admin-or-catch-all-rules", t.EGRESS_RULE, {"fromPort": 0.0, "toPort": 65535.0}, "every port"),
    ("security-group-rule-described", t.INGRESS_RULE, {"description": DELETE}, "no description"),
    ("security-group-rule-described", t.EGRESS_RULE, {"description": "  "}, "no description"),
    (
        "security-group-no-inline-rules",
        t.SECURITY_GROUP,
        {
            "egress": [
                {
                    "protocol": "tcp",
                    "fromPort": 443.0,
                    "toPort": 443.0,
                    "cidrBlocks": ["0.0.0.0/0"],
                    "description": "out",
                }
            ]
        },
        "inline egress",
    ),
    (
        "default-security-group-empty",
        t.DEFAULT_SECURITY_GROUP,
        {"ingress": [{"protocol": "-1", "self": True}]},
        "default group must allow nothing",
    ),
    ("subnet-no-automatic-public-ip", t.SUBNET, {"mapPublicIpOnLaunch": True}, "public IP"),
    ("launch-template-imdsv2", t.LAUNCH_TEMPLATE, {"metadataOptions": {"httpTokens": "optional"}}, "IMDSv2"),
    (
        "launch-template-imdsv2",
        t.LAUNCH_TEMPLATE,
        {"metadataOptions": {"httpPutResponseHopLimit": 2.0}},
        "HopLimit",
    ),
    ("launch-template-imdsv2", t.LAUNCH_TEMPLATE, {"metadataOptions": DELETE}, "httpTokens"),
    (
        "launch-template-ebs-encrypted",
        t.LAUNCH_TEMPLATE,
        {
            "blockDeviceMappings": [
                {"deviceName": "/dev/xvda", "ebs": {"encrypted": "false", "kmsKeyId": "k"}}
            ]
        },
        "not encrypted",
    ),
    (
        "launch-template-ebs-encrypted",
        t.LAUNCH_TEMPLATE,
        {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true"}}]},
        "kmsKeyId",
    ),
    ("launch-template-ebs-encrypted", t.LAUNCH_TEMPLATE, {"blockDeviceMappings": DELETE}, "no block device"),
    (
        "launch-template-no-public-ip",
        t.LAUNCH_TEMPLATE,
        {"networkInterfaces": [{"associatePublicIpAddress": "true"}]},
        "public IP",
    ),
    ("rds-encrypted-with-customer-key", t.RDS_INSTANCE, {"storageEncrypted": False}, "encrypted"),
    ("rds-encrypted-with-customer-key", t.RDS_INSTANCE, {"kmsKeyId": DELETE}, "customer-managed key"),
    ("rds-not-public", t.RDS_INSTANCE, {"publiclyAccessible": True}, "publicly accessible"),
    ("rds-backups-7-days", t.RDS_INSTANCE, {"backupRetentionPeriod": 1.0}, "at least 7"),
    ("rds-backups-7-days", t.RDS_INSTANCE, {"backupRetentionPeriod": DELETE}, "unset"),
    ("rds-deletion-protection", t.RDS_INSTANCE, {"deletionProtection": False}, "deletion protection"),
    ("rds-deletion-protection", t.RDS_INSTANCE, {"skipFinalSnapshot": True}, "final snapshot"),
    ("rds-iam-authentication", t.RDS_INSTANCE, {"iamDatabaseAuthenticationEnabled": DELETE}, "IAM"),
    (
        "rds-performance-insights-encrypted",
        t.RDS_INSTANCE,
        {"performanceInsightsKmsKeyId": DELETE},
        "our key",
    ),
    ("rds-log-exports", t.RDS_INSTANCE, {"enabledCloudwatchLogsExports": ["error"]}, "audit, slowquery"),
    (
        "rds-log-exports",
        t.RDS_INSTANCE,
        {"enabledCloudwatchLogsExports": ["audit", "error", "general", "slowquery"]},
        "card data",
    ),
    ("rds-managed-master-password", t.RDS_INSTANCE, {"password": "hunter2hunter2"}, "password"),
    ("rds-managed-master-password", t.RDS_INSTANCE, {"manageMasterUserPassword": DELETE}, "manage"),
    ("rds-own-parameter-and-subnet-group", t.RDS_INSTANCE, {"parameterGroupName": DELETE}, "TLS"),
    (
        "rds-parameter-group-requires-tls",
        t.RDS_PARAMETER_GROUP,
        {"parameters": [{"name": "require_secure_transport", "value": "0"}]},
        "must be 1",
    ),
    (
        "rds-parameter-group-requires-tls",
        t.RDS_PARAMETER_GROUP,
        {"parameters": []},
        "require_secure_transport",
    ),
    (
        "replication-ignores-mysql-schema",
        t.RDS_PARAMETER_GROUP,
        {"parameters": [{"name": "replicate-ignore-db", "value": "payments"}]},
        "must include 'mysql'",
    ),
    ("rds-snapshot-copy-encrypted", t.RDS_SNAPSHOT_COPY, {"kmsKeyId": DELETE}, "unencrypted copy"),
    (
        "s3-public-access-blocked",
        t.S3_PUBLIC_ACCESS_BLOCK,
        {"restrictPublicBuckets": False},
        "restrictPublicBuckets",
    ),
    ("s3-no-public-acl", t.S3_ACL, {"acl": "public-read"}, "public-read"),
    (
        "s3-versioning-enabled",
        t.S3_VERSIONING,
        {"versioningConfiguration": {"status": "Suspended"}},
        "Suspended",
    ),
    ("s3-default-encryption", t.S3_SSE, {"rules": []}, "no default encryption"),
    (
        "s3-tls-only-policy",
        t.S3_POLICY,
        {"policy": json.dumps({"Version": "2012-10-17", "Statement": []})},
        "without TLS",
    ),
    (
        "s3-lifecycle-rules",
        t.S3_LIFECYCLE,
        {"rules": [{"id": "x", "status": "Disabled"}]},
        "no enabled lifecycle",
    ),
    (
        "iam-no-wildcard-actions",
        t.IAM_ROLE_POLICY,
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        {"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::logs"}
                    ]
                }
            )
        },
        "'s3:*'",
    ),
    (
        "iam-no-wildcard-actions",
        t.IAM_ROLE,
        {
            "inlinePolicies": [
                {
                    "name": "inl",
                    "policy": json.dumps(
                        {
                            "Statement": [
                                {"Sid": "Any", "Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::x"}
                            ]
                        }
                    ),
                }
            ]
        },
        "inline policy inl",
    ),
    (
        "iam-wildcard-resource-allow-list",
        t.IAM_ROLE_POLICY,
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        {"Sid": "Rds", "Effect": "Allow", "Action": "rds-db:connect", "Resource": "*"}
                    ]
                }
            )
        },
        "'rds-db:connect'",
    ),
    (
        "iam-wildcard-resource-allow-list",
        t.IAM_POLICY,
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        {"Sid": "M", "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"}
                    ]
                }
            )
        },
        "cloudwatch:namespace",
    ),
    (
        "iam-managed-policy-allow-list",
        t.IAM_ROLE_POLICY_ATTACHMENT,
        {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        "AdministratorAccess",
    ),
    (
        "iam-trust-names-principal",
        t.IAM_ROLE,
        {
            "assumeRolePolicy": json.dumps(
                {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
            )
        },
        "any principal",
    ),
    ("kms-key-rotation", t.KMS_KEY, {"enableKeyRotation": False}, "rotate"),
    (
        "kms-key-policy-admin-root-only",
        t.KMS_KEY,
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        *KEY_POLICY["Statement"],
                        {
                            "Sid": "AppAdmin",
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"},
                            "Action": "kms:*",
                            "Resource": "*",
                        },
                    ]
                }
            )
        },
        "role/app",
    ),
    ("sns-topic-encrypted", t.SNS_TOPIC, {"kmsMasterKeyId": DELETE}, "kmsMasterKeyId"),
    ("log-group-encrypted-with-retention", t.LOG_GROUP, {"kmsKeyId": DELETE}, "kmsKeyId"),
    ("log-group-encrypted-with-retention", t.LOG_GROUP, {"retentionInDays": DELETE}, "forever"),
    ("secret-encrypted", t.SECRET, {"kmsKeyId": ""}, "kmsKeyId"),
    (
        "dynamodb-encrypted-with-key",
        t.DYNAMODB_TABLE,
        {"serverSideEncryption": {"kmsKeyArn": DELETE}},
        "AWS-owned",
    ),
    ("alb-listener-https-tls12", t.LISTENER, {"protocol": "HTTP", "port": 80.0, "sslPolicy": DELETE}, "HTTP"),
    ("alb-listener-https-tls12", t.LISTENER, {"sslPolicy": "ELBSecurityPolicy-2016-08"}, "TLS 1.2+"),
    (
        "alb-listener-https-tls12",
        t.LISTENER,
        {"sslPolicy": "ELBSecurityPolicy-TLS13-1-0-2021-06"},
        "TLS 1.2+",
    ),
    ("alb-drop-invalid-headers", t.LOAD_BALANCER, {"dropInvalidHeaderFields": False}, "invalid header"),
    ("alb-access-logs", t.LOAD_BALANCER, {"accessLogs": {"enabled": False}}, "access logs"),
    ("dns-ttl-60", t.ROUTE53_RECORD, {"ttl": 300.0}, "at most 60"),
    (
        "dns-ttl-60",
        t.ROUTE53_RECORD,
        {"setIdentifier": DELETE, "weightedRoutingPolicies": DELETE, "type": "CNAME", "ttl": 3600.0},
        "TTL 3600",
    ),
    ("alarm-has-actions", t.METRIC_ALARM, {"okActions": []}, "okActions"),
    ("waf-managed-rules-and-rate-limit", t.WEB_ACL, {"rules": []}, "rate limit"),
    ("s3-bucket-owner-enforced", t.S3_OWNERSHIP, {"rule": {"objectOwnership": "ObjectWriter"}}, "ACLs off"),
    ("alarm-has-actions", t.METRIC_ALARM, {"treatMissingData": DELETE}, "treatMissingData"),
    ("no-plaintext-secrets", t.RDS_INSTANCE, {"password": "correct-horse"}, "input password"),
    (
        "no-plaintext-secrets",
        t.SECRET_VERSION,
        {"secretString": "s3cr3t-value"},
        "secretString",
    ),
    ("no-plaintext-secrets", t.LAUNCH_TEMPLATE, {"tags": {"Note": "AKIAIOSFODNN7EXAMPLE"}}, "access key"),
    (
        "no-secrets-in-user-data",
        t.LAUNCH_TEMPLATE,
        {"userData": B64(b"#!/bin/bash\nDB_PASSWORD=hunter2hunter2\n").decode()},
        "DB_PASSWORD",
    ),
    (
        "no-secrets-in-user-data",
        t.INSTANCE,
        {"userData": "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"},
        "access key",
    ),
    *COMPLIANCE_VIOLATIONS,
    # The rollback guard's roles (issue 12): nothing but the app's weights, one document.
    (
        "route53-change-scoped-to-zone-and-record",
        t.IAM_ROLE_POLICY,
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        {"Effect": "Allow", "Action": "route53:ChangeResourceRecordSets", "Resource": "*"}
                    ]
                }
            )
        },
        "name the hosted zone",
    ),
    (
        "route53-change-scoped-to-zone-and-record",
        t.IAM_ROLE_POLICY,
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["route53:ChangeResourceRecordSets"],
                            "Resource": ["arn:aws:route53:::hostedzone/Z123"],
                        }
                    ]
                }
            )
        },
        "ChangeResourceRecordSetsNormalizedRecordNames",
    ),
    (
        "ssm-automation-start-scoped",
        t.IAM_ROLE_POLICY,
        {
            "policy": json.dumps(
                {
                    "Statement": [
                        {"Effect": "Allow", "Action": "ssm:StartAutomationExecution", "Resource": "*"}
                    ]
                }
            )
        },
        "name the document",
    ),
]


@pytest.mark.parametrize(
    ("rule", "typ", "changes", "expected"),
    VIOLATIONS,
    ids=[f"{v[0]}-{i}" for i, v in enumerate(VIOLATIONS)],
)
def test_r17_3_violating_resource_fails_naming_it(
    rule: str, typ: str, changes: dict[str, Any], expected: str
) -> None:
    base = COMPLIANT.get(typ, {})
    props = compliant_with(typ, **changes) if typ in COMPLIANT else {**base, **changes}
    found = violations(rule, typ, props)
    assert found, f"{rule} accepted {props}"
    assert any(SUBJECT in m for m in found), found
    assert any(expected in m for m in found), found


def test_r16_every_resource_rule_has_a_violating_case() -> None:
    covered = {v[0] for v in (*VIOLATIONS, *OPTION_VIOLATIONS, *PROPS_VIOLATIONS)}
    assert {r.name for r in RESOURCE_RULES} <= covered


def test_r4_2_allow_list_is_read_from_iam_documents() -> None:
    """The one list in tap.iam_documents decides: an action on it passes with its condition."""
    from tap.iam_documents import WILDCARD_CONDITION_KEYS, WILDCARD_RESOURCE_EXCEPTIONS

    for action in WILDCARD_RESOURCE_EXCEPTIONS:
        doc = {
            "Statement": [
                {
                    "Sid": "X",
                    "Effect": "Allow",
                    "Action": action,
                    "Resource": "*",
                    "Condition": {"StringEquals": {WILDCARD_CONDITION_KEYS[action]: "v"}},
                }
            ]
        }
        assert (
            violations("iam-wildcard-resource-allow-list", t.IAM_ROLE_POLICY, {"policy": json.dumps(doc)})
            == []
        )
    assert "Metrics" in json.dumps(APP_POLICY)


def test_r3_1_key_policy_resource_star_means_this_key() -> None:
    """A key policy's `"Resource": "*"` is not an IAM wildcard: the IAM rules do not read key policies."""
    found = violations("iam-wildcard-resource-allow-list", t.KMS_KEY, COMPLIANT[t.KMS_KEY])
    assert found == []
    assert violations("kms-key-policy-admin-root-only", t.KMS_KEY, COMPLIANT[t.KMS_KEY]) == []


def test_r9_1_tls_policy_requires_a_deny_for_everyone() -> None:
    allow_only = {"Statement": [{**TLS_ONLY_POLICY["Statement"][0], "Effect": "Allow"}]}
    assert violations("s3-tls-only-policy", t.S3_POLICY, {"policy": json.dumps(allow_only)})
    assert violations("s3-tls-only-policy", t.S3_POLICY, {"policy": "not json"})


def test_r5_5_references_to_secrets_are_not_secrets() -> None:
    """ARNs, key ids and flags that name or manage a secret hold no secret value."""
    props = {
        "manageMasterUserPassword": "true",
        "masterUserSecretKmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/abc",
        "secretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
        "passwordLength": "32",
    }
    assert violations("no-plaintext-secrets", t.SECRET, props) == []


def test_r5_5_secret_access_key_shape_is_caught_anywhere() -> None:
    leaked = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    found = violations("no-plaintext-secrets", t.SSM_PARAMETER, {"name": "/x", "value": leaked})
    assert found and "access key" in found[0]
