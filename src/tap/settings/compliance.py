"""PCI DSS retention: the audit-relevant log groups and AWS Backup's vaults and their lock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic.dataclasses import dataclass

from tap.errors import Problem
from tap.settings.fields import GROUP_CONFIG, setting
from tap.settings.kinds import OneOf, Whole, WholeOneOf
from tap.settings.network import LOG_RETENTION_DAYS

if TYPE_CHECKING:
    from tap.settings.model import Settings

# PCI DSS 10.5.1: audit logs kept at least 12 months, the last 3 immediately available.
AUDIT_RETENTION_MIN_DAYS = 365
AUDIT_RETENTION = WholeOneOf(
    tuple(d for d in LOG_RETENTION_DAYS if d >= AUDIT_RETENTION_MIN_DAYS),
    "CloudWatch Logs retention periods of at least 12 months, as PCI DSS 10.5.1 requires",
)


@dataclass(frozen=True, config=GROUP_CONFIG)
class ComplianceSettings:
    audit_log_retention_days: Annotated[int, AUDIT_RETENTION] = setting(
        "auditLogRetentionDays",
        365,
        "Retention of the audit-relevant log groups (flow logs, WAF, DNS query logs, database "
        "audit): at least 365 days (PCI DSS 10.5.1 keeps 12 months).",
    )
    backup_retention_days: Annotated[int, Whole(7, 36500)] = setting(
        "backupRetentionDays",
        35,
        "Days AWS Backup keeps each daily recovery point of the prod database, in both vaults.",
    )
    backup_vault_lock_mode: Annotated[str, OneOf(("governance", "compliance"))] = setting(
        "backupVaultLockMode",
        "governance",
        "Vault lock mode: governance (privileged IAM users can still remove it) or compliance "
        "(immutable once the grace period ends: see the runbook's warning).",
    )
    backup_vault_lock_grace_days: Annotated[int, Whole(3, 36500)] = setting(
        "backupVaultLockGraceDays",
        3,
        "Compliance mode only: days the lock can still be removed after it is set "
        "(changeable_for_days; AWS's minimum is 3).",
    )
    backup_vault_lock_min_retention_days: Annotated[int, Whole(1, 36500)] = setting(
        "backupVaultLockMinRetentionDays",
        7,
        "Shortest retention the vault lock accepts for a recovery point.",
    )
    backup_vault_lock_max_retention_days: Annotated[int, Whole(1, 36500)] = setting(
        "backupVaultLockMaxRetentionDays",
        400,
        "Longest retention the vault lock accepts for a recovery point.",
    )


def retention_within_the_lock(s: Settings) -> Iterator[Problem]:
    """A recovery point whose retention the vault lock refuses fails its backup job."""
    c = s.compliance
    lo, hi = c.backup_vault_lock_min_retention_days, c.backup_vault_lock_max_retention_days
    if lo > hi:
        yield Problem(
            "backupVaultLockMinRetentionDays", lo, f"at most backupVaultLockMaxRetentionDays ({hi})"
        )
    elif not lo <= c.backup_retention_days <= hi:
        yield Problem(
            "backupRetentionDays",
            c.backup_retention_days,
            f"a value the vault lock accepts: from backupVaultLockMinRetentionDays ({lo}) to "
            f"backupVaultLockMaxRetentionDays ({hi}); AWS Backup fails jobs outside those bounds",
        )


CHECKS = [retention_within_the_lock]
