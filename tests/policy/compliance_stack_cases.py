"""Broken stacks for the compliance stack rules (SPEC R19): the good stack with one
relationship cut, and the fragment the violation must name."""

from __future__ import annotations

from tap.policies.runner import StackResource
from tests.policy.stack_examples import REPLICA_VAULT_ARN, good_stack, replaced, without

_RULE = {
    "targetVaultName": "prod-backup-vault",
    "copyActions": [{"destinationVaultArn": REPLICA_VAULT_ARN, "lifecycle": {"deleteAfter": 35.0}}],
}

BROKEN: list[tuple[str, list[StackResource], str]] = [
    (
        "rds-instance-audited",
        replaced(good_stack(), "prod-rds", optionGroupName="default:mysql-8-0"),
        "prod-rds",
    ),
    ("rds-instance-audited", replaced(good_stack(), "mysql-audit", options=[]), "prod-rds"),
    ("waf-acl-logged", without(good_stack(), "waf-logging"), "'waf'"),
    ("audit-log-retention-12-months", replaced(good_stack(), "waf-logs", retentionInDays=90.0), "WAF logs"),
    (
        "audit-log-retention-12-months",
        replaced(good_stack(), "flow-logs", retentionInDays=180.0),
        "flow logs",
    ),
    (
        "audit-log-retention-12-months",
        replaced(good_stack(), "rds-audit-logs", retentionInDays=30.0),
        "database audit",
    ),
    ("s3-server-access-logging", without(good_stack(), "logs-access-logging"), "'logs'"),
    (
        "s3-server-access-logging",
        replaced(good_stack(), "logs-access-logging", targetBucket="logs"),
        "into itself",
    ),
    ("backup-prod-database", without(good_stack(), "backup-selection"), "prod-rds"),
    ("backup-prod-database", without(good_stack(), "prod-backup-vault-replica-lock"), "vault-replica"),
    (
        "backup-prod-database",
        replaced(
            good_stack(),
            "backup-plan",
            rules=[
                {
                    "targetVaultName": "prod-backup-vault",
                    "lifecycle": {"deleteAfter": 35.0},
                    "copyActions": [],
                }
            ],
        ),
        "another region",
    ),
    (
        "backup-prod-database",
        replaced(good_stack(), "backup-plan", rules=[{**_RULE, "lifecycle": {"deleteAfter": 500.0}}]),
        "outside",
    ),
]
