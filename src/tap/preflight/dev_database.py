"""Dev's MySQL as the RDS API describes it: what the seed, the replication from dev and the
fallback to dev need from it.

Binlog retention (`mysql.rds_set_configuration('binlog retention hours', N)`) is not in the
RDS API; it needs SQL, so `tap db status` reads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from tap.preflight.context import PreflightContext
from tap.preflight.result import (
    WHILE_DEV_HOLDS_DATA,
    Check,
    CheckResult,
    CheckUnavailable,
    failed,
    passed,
    warned,
)

# AWS, "Supported MySQL major versions on Amazon RDS" (RDS User Guide, MySQL.Concepts.VersionMgmt,
# release calendar): RDS end of standard support for MySQL 8.0 is 31 July 2026; after it RDS
# enrols 8.0 instances in (paid) RDS Extended Support. 8.4 is the next LTS major.
END_OF_STANDARD_SUPPORT = {"8.0": datetime(2026, 7, 31, tzinfo=UTC)}


def describe_call(ctx: PreflightContext) -> str:
    return f"rds:DescribeDBInstances {ctx.settings.database.dev_db_instance_id}"


def dev_instance(ctx: PreflightContext) -> Mapping[str, Any] | None:
    """Dev's instance, read once per run; None when the identifier names no instance."""

    def read() -> Mapping[str, Any] | None:
        ident = ctx.settings.database.dev_db_instance_id
        try:
            found = ctx.clients.client("rds").describe_db_instances(DBInstanceIdentifier=ident)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "DBInstanceNotFound":
                return None
            raise
        instances: Sequence[Mapping[str, Any]] = found["DBInstances"]
        return instances[0]

    return ctx.memo("dev-instance", read)


def require_dev(ctx: PreflightContext) -> Mapping[str, Any]:
    inst = dev_instance(ctx)
    if inst is None:
        raise DevMissing(
            f"tap:devDbInstanceId {ctx.settings.database.dev_db_instance_id!r} names no RDS instance "
            f"in {ctx.settings.core.region}"
        )
    return inst


class DevMissing(CheckUnavailable):
    pass


def missing(ctx: PreflightContext, exc: DevMissing) -> CheckResult:
    return failed(describe_call(ctx), str(exc), "set tap:devDbInstanceId to dev's instance identifier")


def status(ctx: PreflightContext) -> CheckResult:
    try:
        inst = require_dev(ctx)
    except DevMissing as exc:
        return missing(ctx, exc)
    read = describe_call(ctx)
    state, engine = inst.get("DBInstanceStatus"), inst.get("Engine")
    multi_az = "Multi-AZ" if inst.get("MultiAZ") else "single-AZ"
    if engine != "mysql":
        return failed(read, f"engine is {engine!r}, not mysql", "point tap:devDbInstanceId at dev's MySQL")
    if state != "available":
        return failed(
            read,
            f"status is {state!r} ({multi_az}): a snapshot, replica or modify waits or fails until it "
            "is 'available'",
            "wait for the instance to return to 'available' (a failover or maintenance in progress), "
            "then run preflight again",
        )
    return passed(read, f"available, {engine}, {multi_az}")


def _major(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _support_note(ctx: PreflightContext, major: str) -> str:
    end = END_OF_STANDARD_SUPPORT.get(major)
    if end is None:
        return ""
    tense = "ended" if ctx.now() > end else "ends"
    return (
        f"MySQL {major}'s RDS standard support {tense} on {end:%Y-%m-%d} (AWS release calendar); "
        "after that RDS Extended Support is billed. Upgrade both sides to 8.4 only once the "
        "fallback window has closed"
    )


def engine_version(ctx: PreflightContext) -> CheckResult:
    try:
        inst = require_dev(ctx)
    except DevMissing as exc:
        return missing(ctx, exc)
    read = describe_call(ctx) + " EngineVersion"
    dev, prod = inst.get("EngineVersion", ""), ctx.settings.database.engine_version
    if prod != dev:
        if dev.startswith(prod + "."):
            why = (
                f"tap:dbEngineVersion is the major version {prod!r}: a snapshot restore then becomes "
                "a modify to RDS's default minor version, an unplanned upgrade mid-cutover"
            )
        else:
            why = (
                f"prod would run {prod!r}, dev runs {dev!r}: replication from a newer to an older "
                "server is unsupported, and the fallback replicates prod -> dev"
            )
        return failed(read, why, f"pulumi config set tap:dbEngineVersion {dev}")
    note = _support_note(ctx, _major(dev))
    end = END_OF_STANDARD_SUPPORT.get(_major(dev))
    if end is not None and ctx.now() > end:
        return warned(
            read, f"dev and prod both run {dev}; {note}", "plan the 8.4 upgrade after the fallback window"
        )
    return passed(read, f"dev and prod both run {dev}" + (f"; {note}" if note else ""))


def storage(ctx: PreflightContext) -> CheckResult:
    try:
        inst = require_dev(ctx)
    except DevMissing as exc:
        return missing(ctx, exc)
    read = describe_call(ctx) + " AllocatedStorage"
    dev, prod = int(inst.get("AllocatedStorage", 0)), ctx.settings.database.allocated_storage_gib
    if dev > prod:
        return failed(
            read,
            f"dev has {dev} GiB, prod is set to {prod} GiB: RDS cannot shrink storage, so the "
            "modify after the restore fails",
            f"pulumi config set tap:dbAllocatedStorageGib {dev} (or more)",
        )
    return passed(read, f"dev {dev} GiB <= prod {prod} GiB")


def backups(ctx: PreflightContext) -> CheckResult:
    try:
        inst = require_dev(ctx)
    except DevMissing as exc:
        return missing(ctx, exc)
    read = describe_call(ctx) + " BackupRetentionPeriod"
    days = int(inst.get("BackupRetentionPeriod", 0))
    if days < 1:
        return failed(
            read,
            "automated backups are off (retention 0): RDS refuses a read replica of dev, and "
            "binlogs are not kept for replication",
            f"aws rds modify-db-instance --db-instance-identifier {inst['DBInstanceIdentifier']} "
            "--backup-retention-period 7 --apply-immediately (a 0 -> non-zero change causes an outage "
            "on a single-AZ instance: book it with the parameter-group reboot)",
        )
    return passed(read, f"automated backups kept {days} day(s); binlog retention hours: see `tap db status`")


CHECKS = (
    Check(
        "dev-db-status",
        "Dev's MySQL exists and is 'available' (no failover or maintenance).",
        status,
        WHILE_DEV_HOLDS_DATA,
        permissions=("rds:DescribeDBInstances",),
    ),
    Check(
        "dev-db-engine-version",
        "Prod's tap:dbEngineVersion equals dev's exact engine version.",
        engine_version,
        WHILE_DEV_HOLDS_DATA,
        permissions=("rds:DescribeDBInstances",),
    ),
    Check(
        "dev-db-storage",
        "Dev's allocated storage is at most prod's tap:dbAllocatedStorageGib.",
        storage,
        WHILE_DEV_HOLDS_DATA,
        permissions=("rds:DescribeDBInstances",),
    ),
    Check(
        "dev-db-backups",
        "Dev keeps automated backups (needed for a read replica and binlogs).",
        backups,
        WHILE_DEV_HOLDS_DATA,
        permissions=("rds:DescribeDBInstances",),
    ),
)
