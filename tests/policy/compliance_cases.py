"""Violating cases of the compliance rules (SPEC R19), one per way each rule can fail; the
resource-rule tests run them with the compliant examples in tests/policy/examples.py."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tests.policy.compliance_examples import AUDIT_OPTION, WAF_LOGS
from tests.policy.examples import DELETE


def _events(value: str) -> dict[str, Any]:
    return {
        "options": [{**AUDIT_OPTION, "optionSettings": [{"name": "SERVER_AUDIT_EVENTS", "value": value}]}]
    }


VIOLATIONS: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "rds-no-general-log",
        t.RDS_PARAMETER_GROUP,
        {
            "parameters": [
                {"name": "require_secure_transport", "value": "1"},
                {"name": "general_log", "value": "1"},
            ]
        },
        "general_log='1'",
    ),
    ("rds-audit-plugin-events", t.RDS_OPTION_GROUP, {"options": []}, "no MARIADB_AUDIT_PLUGIN"),
    ("rds-audit-plugin-events", t.RDS_OPTION_GROUP, _events("CONNECT"), "QUERY_DDL, QUERY_DCL"),
    (
        "rds-audit-plugin-events",
        t.RDS_OPTION_GROUP,
        _events("CONNECT,QUERY_DDL,QUERY_DCL,QUERY"),
        "card data",
    ),
    (
        "waf-logging-redacts-credentials",
        t.WAF_LOGGING,
        {"redactedFields": [{"singleHeader": {"name": "Authorization"}}]},
        "cookie",
    ),
    ("waf-logging-redacts-credentials", t.WAF_LOGGING, {"redactedFields": DELETE}, "authorization, cookie"),
    ("waf-logging-redacts-credentials", t.WAF_LOGGING, {"logDestinationConfigs": [WAF_LOGS + ":*"]}, "':*'"),
    (
        "waf-logging-redacts-credentials",
        t.WAF_LOGGING,
        {"logDestinationConfigs": ["arn:aws:logs:us-east-1:123456789012:log-group:/tap/waf"]},
        "aws-waf-logs-",
    ),
    (
        "s3-logs-immediately-readable-3-months",
        t.S3_LIFECYCLE,
        {
            "rules": [
                {
                    "id": "tiering",
                    "status": "Enabled",
                    "transitions": [{"days": 90.0, "storageClass": "GLACIER"}],
                    "noncurrentVersionExpiration": {"noncurrentDays": 30.0},
                    "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7.0},
                }
            ]
        },
        "GLACIER at day 90",
    ),
    (
        "s3-logs-immediately-readable-3-months",
        t.S3_LIFECYCLE,
        {
            "rules": [
                {
                    "id": "tiering",
                    "status": "Enabled",
                    "expiration": {"days": 180.0},
                    "noncurrentVersionExpiration": {"noncurrentDays": 30.0},
                    "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7.0},
                }
            ]
        },
        "day 180",
    ),
    ("backup-vault-customer-key", t.BACKUP_VAULT, {"kmsKeyArn": DELETE}, "unset"),
    ("backup-vault-customer-key", t.BACKUP_VAULT, {"kmsKeyArn": "alias/aws/backup"}, "AWS-managed"),
    ("backup-vault-lock-bounds", t.BACKUP_VAULT_LOCK, {"minRetentionDays": 1.0}, "at least 7"),
    ("backup-vault-lock-bounds", t.BACKUP_VAULT_LOCK, {"maxRetentionDays": DELETE}, "forever"),
    ("backup-vault-lock-bounds", t.BACKUP_VAULT_LOCK, {"changeableForDays": 1.0}, "at least 3"),
]
