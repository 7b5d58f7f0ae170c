"""Compliant example props of the resource types only the compliance rules read (SPEC R19);
tests/policy/examples.py merges them into its COMPLIANT table."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t

WAF_LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-prod"
AUDIT_OPTION: dict[str, Any] = {
    "optionName": "MARIADB_AUDIT_PLUGIN",
    "optionSettings": [{"name": "SERVER_AUDIT_EVENTS", "value": "CONNECT,QUERY_DDL,QUERY_DCL"}],
}

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"

COMPLIANT: dict[str, dict[str, Any]] = {
    t.BACKUP_VAULT: {"name": "prod-backup-vault", "kmsKeyArn": KEY},
    t.BACKUP_VAULT_LOCK: {
        "backupVaultName": "prod-backup-vault",
        "minRetentionDays": 7.0,
        "maxRetentionDays": 400.0,
    },
    t.RDS_OPTION_GROUP: {"name": "prod-mysql-audit", "engineName": "mysql", "options": [AUDIT_OPTION]},
    t.WAF_LOGGING: {
        "resourceArn": "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/prod-waf/1",
        "logDestinationConfigs": [WAF_LOGS],
        "redactedFields": [{"singleHeader": {"name": "authorization"}}, {"singleHeader": {"name": "cookie"}}],
    },
}
