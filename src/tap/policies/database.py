"""The production database (SPEC R5, R3.2, R3.3): encrypted with the customer key, private,
backed up, protected from deletion, IAM auth, Performance Insights encrypted, logs exported,
TLS enforced by its parameter group, a managed master password, a final snapshot on delete; the
snapshot copy it restores from is encrypted with the key; Multi-AZ when the phase says so.

The dev instance is read with `Instance.get`; Pulumi analyses only the resources a program
registers, so the resource rules never see it. Stack rules skip instances outside the DB
subnet groups this stack manages, which is how they tell dev (read, not owned) apart."""

from __future__ import annotations

from tap import aws_types as t
from tap.policies.phase import stack_phase_plan
from tap.policies.props import UNKNOWN, Unknown, customer_key_problem, flag, number
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule

MIN_BACKUP_DAYS = 7
REQUIRED_LOG_EXPORTS = ("audit", "error", "slowquery")
# Every statement with its literals (card and personal data): never exported (PCI DSS 3.3).
FORBIDDEN_LOG_EXPORTS = ("general",)


def _require_true(r: Resource, report: Report, key: str, why: str) -> None:
    v = flag(r.get(key))
    if v is not UNKNOWN and v is not True:
        report(f"{r.label} has {key}={r.get(key)!r}; {why}")


def _require_key(r: Resource, report: Report, key: str, why: str) -> None:
    v = r.get(key)
    if v is not UNKNOWN and not (isinstance(v, str) and v):
        report(f"{r.label} sets no {key}; {why}")


def _require_customer_key(r: Resource, report: Report, key: str, why: str) -> None:
    problem = customer_key_problem(r.get(key))
    if problem:
        report(f"{r.label} {key} {problem}; {why}")


@resource_rule(
    "rds-encrypted-with-customer-key",
    "RDS storage is encrypted with the customer-managed KMS key.",
    "R3.2, R5.4",
    t.RDS_INSTANCE,
)
def rds_encrypted(r: Resource, report: Report) -> None:
    _require_true(r, report, "storageEncrypted", "storage must be encrypted")
    _require_customer_key(r, report, "kmsKeyId", "storage must use the customer-managed key, not aws/rds")


@resource_rule("rds-not-public", "The database is not publicly accessible.", "R5.4", t.RDS_INSTANCE)
def rds_not_public(r: Resource, report: Report) -> None:
    if flag(r.get("publiclyAccessible")) is True:
        report(f"{r.label} is publicly accessible")


@resource_rule(
    "rds-backups-7-days",
    f"Automated backups are kept at least {MIN_BACKUP_DAYS} days (point-in-time recovery).",
    "R5.4",
    t.RDS_INSTANCE,
)
def rds_backups(r: Resource, report: Report) -> None:
    days = number(r.get("backupRetentionPeriod"))
    if isinstance(days, Unknown):
        return
    if days is None or days < MIN_BACKUP_DAYS:
        report(
            f"{r.label} keeps backups {days if days is not None else 'unset'} day(s); "
            f"at least {MIN_BACKUP_DAYS}"
        )


@resource_rule(
    "rds-deletion-protection",
    "Deletion protection is on, and deleting the instance takes a final snapshot.",
    "R5.4",
    t.RDS_INSTANCE,
)
def rds_deletion_protection(r: Resource, report: Report) -> None:
    _require_true(r, report, "deletionProtection", "deletion protection must be on")
    if flag(r.get("skipFinalSnapshot")) is True:
        report(f"{r.label} skips the final snapshot on delete")
    else:
        _require_key(r, report, "finalSnapshotIdentifier", "deleting it would leave no final snapshot")


@resource_rule("rds-iam-authentication", "IAM database authentication is on.", "R5.4, R4.1", t.RDS_INSTANCE)
def rds_iam_auth(r: Resource, report: Report) -> None:
    _require_true(r, report, "iamDatabaseAuthenticationEnabled", "the app connects with IAM tokens")


@resource_rule(
    "rds-performance-insights-encrypted",
    "Performance Insights is on and encrypted with the customer key.",
    "R3.2, R5.4",
    t.RDS_INSTANCE,
)
def rds_pi(r: Resource, report: Report) -> None:
    _require_true(r, report, "performanceInsightsEnabled", "Performance Insights must be on")
    _require_customer_key(
        r, report, "performanceInsightsKmsKeyId", "its data holds query text and must use our key"
    )


@resource_rule(
    "rds-log-exports",
    "The audit, error and slow query logs are exported to CloudWatch; the general log is not "
    "(it would carry card and personal data).",
    "R5.4",
    t.RDS_INSTANCE,
)
def rds_logs(r: Resource, report: Report) -> None:
    exports = r.get("enabledCloudwatchLogsExports")
    if exports is UNKNOWN:
        return
    have = set(exports) if isinstance(exports, list) else set()
    if UNKNOWN in have:
        return
    missing = [x for x in REQUIRED_LOG_EXPORTS if x not in have]
    if missing:
        report(f"{r.label} does not export the {', '.join(missing)} log(s)")
    exported = [x for x in FORBIDDEN_LOG_EXPORTS if x in have]
    if exported:
        report(f"{r.label} exports the {', '.join(exported)} log: every statement, card data included")


@resource_rule(
    "rds-managed-master-password",
    "The master password is RDS-managed in Secrets Manager (encrypted with the key); no "
    "`password` input, so no password in code, config or state.",
    "R5.5",
    t.RDS_INSTANCE,
)
def rds_managed_password(r: Resource, report: Report) -> None:
    if r.get("password") not in (None,):
        report(f"{r.label} sets a master `password`; it would sit in state. Use manageMasterUserPassword")
    _require_true(r, report, "manageMasterUserPassword", "RDS must manage the master password")
    _require_customer_key(r, report, "masterUserSecretKmsKeyId", "the password secret must use our key")


@resource_rule(
    "rds-own-parameter-and-subnet-group",
    "The instance names its own parameter group and DB subnet group.",
    "R5.4",
    t.RDS_INSTANCE,
)
def rds_groups(r: Resource, report: Report) -> None:
    _require_key(r, report, "parameterGroupName", "the default group does not enforce TLS")
    _require_key(r, report, "dbSubnetGroupName", "without it RDS picks the default VPC's subnets")


@resource_rule(
    "rds-parameter-group-requires-tls",
    "MySQL parameter groups set require_secure_transport=1.",
    "R3.3",
    t.RDS_PARAMETER_GROUP,
)
def parameter_group_tls(r: Resource, report: Report) -> None:
    params = r.get("parameters")
    if params is UNKNOWN:
        return
    listed = params if isinstance(params, list) else []
    if UNKNOWN in listed:
        return
    named = [p for p in listed if isinstance(p, dict)]
    if any(p.get("name") is UNKNOWN for p in named):
        return
    for p in named:
        if p.get("name") == "require_secure_transport":
            if p.get("value") is UNKNOWN or str(p.get("value")).strip().upper() in {"1", "ON", "TRUE"}:
                return
            report(f"{r.label} sets require_secure_transport={p.get('value')!r}; it must be 1")
            return
    report(f"{r.label} does not set require_secure_transport=1")


@resource_rule(
    "rds-snapshot-copy-encrypted",
    "The snapshot copy prod restores from is encrypted with the customer key.",
    "R5.3",
    t.RDS_SNAPSHOT_COPY,
)
def snapshot_copy_encrypted(r: Resource, report: Report) -> None:
    _require_customer_key(
        r, report, "kmsKeyId", "an unencrypted copy cannot be restored into the encrypted instance"
    )


def owned_instances(stack: Stack) -> list[Resource]:
    """RDS instances placed in a DB subnet group this stack manages (the read-only dev
    instance lives elsewhere)."""
    groups: set[str] = set()
    for g in stack.of_type(t.RDS_SUBNET_GROUP):
        groups |= g.physical_ids
    return [i for i in stack.of_type(t.RDS_INSTANCE) if i.get("dbSubnetGroupName") in groups]


@stack_rule(
    "rds-multi-az-per-phase",
    "The production instance is Multi-AZ in every phase where the phase machine says so.",
    "R5.4, R11.2",
)
def multi_az_per_phase(stack: Stack, report: Report) -> None:
    phase_plan = stack_phase_plan(stack)
    if phase_plan is None or not phase_plan.multi_az:
        return
    for db in owned_instances(stack):
        v = flag(db.get("multiAz"))
        if v is not UNKNOWN and v is not True:
            report(f"{db.label} is not Multi-AZ, but phase {phase_plan.phase.value!r} requires it", db.urn)


RULES = [
    rds_encrypted,
    rds_not_public,
    rds_backups,
    rds_deletion_protection,
    rds_iam_auth,
    rds_pi,
    rds_logs,
    rds_managed_password,
    rds_groups,
    parameter_group_tls,
    snapshot_copy_encrypted,
]
STACK_RULES = [multi_az_per_phase]
