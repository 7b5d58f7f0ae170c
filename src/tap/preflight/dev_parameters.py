"""Dev's parameter group: row-based binlogs for replication, and the parameters replication
depends on equal to production's.

RDS MySQL 8.0 defaults `binlog_format` to MIXED, and a default parameter group
(`default.mysql8.0`) cannot be changed: dev needs a custom group with ROW. Attaching a group or
changing a static parameter takes effect only after a reboot of dev: that reboot is the one
booked step of the migration, so it is named here, before anything else depends on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tap import aws_types as t
from tap.fence_filter import FENCE_SCHEMA, IGNORE_DB_PARAMETER, keeps_fences_local, schema_list
from tap.naming import Namer
from tap.offline.plan import PlannedResource
from tap.preflight.context import PreflightContext
from tap.preflight.dev_database import DevMissing, missing, require_dev
from tap.preflight.result import WHILE_DEV_HOLDS_DATA, Check, CheckResult, CheckUnavailable, failed, passed

# Where a difference makes replicated rows differ or the applier stop (issue 10, Build 3).
REPLICATION_PARAMETERS = (
    "sql_mode",
    "time_zone",
    "character_set_server",
    "collation_server",
    "lower_case_table_names",
    "max_allowed_packet",
)
# MySQL's compiled-in defaults (8.0 and 8.4 alike), which RDS's default groups leave unset: a
# value prod sets explicitly that equals one of these is what dev has when it sets nothing.
ENGINE_DEFAULTS = {
    "character_set_server": "utf8mb4",
    "collation_server": "utf8mb4_0900_ai_ci",
    "lower_case_table_names": "0",
    "max_allowed_packet": "67108864",
}
BOOKED = "then reboot dev once: the one booked step (a few minutes of dev downtime, in a booked slot)"


def dev_group(ctx: PreflightContext) -> tuple[str, str]:
    """(name, apply status) of dev's DB parameter group."""
    groups = require_dev(ctx).get("DBParameterGroups") or []
    if not groups:
        raise CheckUnavailable("RDS reported no parameter group for dev")
    return groups[0]["DBParameterGroupName"], groups[0].get("ParameterApplyStatus", "")


def dev_parameters(ctx: PreflightContext, group: str) -> dict[str, Mapping[str, Any]]:
    def read() -> dict[str, Mapping[str, Any]]:
        pages = ctx.clients.client("rds").get_paginator("describe_db_parameters")
        found: dict[str, Mapping[str, Any]] = {}
        for page in pages.paginate(DBParameterGroupName=group):
            for p in page["Parameters"]:
                found[p["ParameterName"]] = p
        return found

    return ctx.memo(f"parameters:{group}", read)


def dev_value(ctx: PreflightContext, name: str) -> tuple[str, str, str | None]:
    """(group, apply status, value of `name`) for dev; a default group sets nothing (None).
    Raises DevMissing."""
    group, apply_status = dev_group(ctx)
    value = None
    if not group.startswith("default."):
        value = dev_parameters(ctx, group).get(name, {}).get("ParameterValue")
    return group, apply_status, value


def binlog_format(ctx: PreflightContext) -> CheckResult:
    try:
        group, apply_status, value = dev_value(ctx, "binlog_format")
    except DevMissing as exc:
        return missing(ctx, exc)
    return judge_binlog(require_dev(ctx)["DBInstanceIdentifier"], group, apply_status, value)


def judge_binlog(instance: str, group: str, apply_status: str, value: str | None) -> CheckResult:
    """Pure: dev's group, its apply status and its binlog_format, judged. (The emulator always
    reports 'in-sync', so the pending-reboot case is tested here directly.)"""
    read = f"rds:DescribeDBInstances + rds:DescribeDBParameters {group} binlog_format"
    if group.startswith("default."):
        return failed(
            read,
            f"dev uses the default group {group}, which cannot be changed (binlog_format stays MIXED)",
            f"create a custom group of the same family with binlog_format=ROW, attach it to dev, {BOOKED}",
        )
    if value != "ROW":
        shown = value or "not set (RDS 8.0's default is MIXED)"
        return failed(
            read,
            f"binlog_format is {shown}: replication to prod needs ROW",
            f"aws rds modify-db-parameter-group --db-parameter-group-name {group} --parameters "
            f"ParameterName=binlog_format,ParameterValue=ROW,ApplyMethod=pending-reboot; {BOOKED}",
        )
    if apply_status != "in-sync":
        return failed(
            read,
            f"binlog_format is ROW in {group}, but dev's parameter status is {apply_status!r}: "
            "dev still writes the old format",
            f"aws rds reboot-db-instance --db-instance-identifier {instance}; {BOOKED.removeprefix('then ')}",
        )
    return passed(
        read,
        f"binlog_format ROW in {group}, in sync; binlog retention hours needs SQL: `tap db status` reads it",
    )


def prod_group(ctx: PreflightContext) -> PlannedResource:
    groups = ctx.plan.of_type(t.RDS_PARAMETER_GROUP)
    name = Namer(ctx.settings.core.environment_suffix)("mysql-params")
    named = [g for g in groups if g.get("name") == name]
    if len(named) == 1:
        return named[0]
    if len(groups) == 1:
        return groups[0]
    raise CheckUnavailable(f"the plan has {len(groups)} parameter groups and none named {name}")


def _effective(entry: Mapping[str, Any] | None) -> tuple[str | None, bool]:
    """(value, set explicitly). RDS marks defaults with Source engine-default or system."""
    if not entry:
        return None, False
    value = entry.get("ParameterValue")
    return value, value is not None and entry.get("Source", "user") == "user"


def _compare(name: str, dev: Mapping[str, Any] | None, prod: str | None) -> str | None:
    """A sentence when dev and prod differ for `name`, else None."""
    dev_value, dev_set = _effective(dev)
    if dev_value is None:
        dev_value = ENGINE_DEFAULTS.get(name)
    if prod is None:
        if dev_set:
            return f"{name}: dev sets {dev_value!r}, prod leaves the family default"
        return None
    if dev_value != prod:
        return f"{name}: dev {dev_value or '(family default)'!r}, prod {prod!r}"
    return None


def replication_parameters(ctx: PreflightContext) -> CheckResult:
    try:
        group, _ = dev_group(ctx)
    except DevMissing as exc:
        return missing(ctx, exc)
    prod = prod_group(ctx)
    read = f"rds:DescribeDBParameters {group} vs the plan's {prod.get('name')}"
    dev_family = ctx.memo(
        f"family:{group}",
        lambda: ctx.clients.client("rds").describe_db_parameter_groups(DBParameterGroupName=group)[
            "DBParameterGroups"
        ][0]["DBParameterGroupFamily"],
    )
    if dev_family != prod.get("family"):
        return failed(
            read,
            f"dev's group is family {dev_family}, prod's {prod.get('family')}: defaults differ",
            "keep prod on dev's major version until the fallback window closes",
        )
    planned = {p["name"]: str(p["value"]) for p in prod.get("parameters") or []}
    params = dev_parameters(ctx, group)
    diffs = [d for n in REPLICATION_PARAMETERS if (d := _compare(n, params.get(n), planned.get(n)))]
    if diffs:
        return failed(
            read,
            "; ".join(diffs),
            "make prod's parameter group (components/database.py) set the same values as dev's "
            "(lower_case_table_names can only be chosen when an instance is created)",
        )
    return passed(read, "equal on " + ", ".join(REPLICATION_PARAMETERS))


def ignores_mysql_schema(ctx: PreflightContext) -> CheckResult:
    try:
        group, _, value = dev_value(ctx, IGNORE_DB_PARAMETER)
    except DevMissing as exc:
        return missing(ctx, exc)
    return judge_ignore_db(group, value)


def judge_ignore_db(group: str, value: str | None) -> CheckResult:
    """Pure. After the flip dev replicates from prod; prod's unfence (ACCOUNT UNLOCK, issued with
    `mysql` as the default database) is binlogged as a statement, and a dev that applied it
    would unlock its own app account: two writers. Dev must filter the `mysql` schema, as prod
    does (rule replication-ignores-mysql-schema). Dynamic on RDS: no reboot."""
    read = f"rds:DescribeDBParameters {group} {IGNORE_DB_PARAMETER}"
    if keeps_fences_local(value):
        return passed(
            read, f"{IGNORE_DB_PARAMETER}={value} in {group}: prod's fence statements do not reach dev"
        )
    shown = f"{value!r}" if value else "not set"
    # JSON, not the CLI's shorthand: a value listing several schemas has commas of its own.
    change = {
        "ParameterName": IGNORE_DB_PARAMETER,
        "ParameterValue": ",".join([*schema_list(value), FENCE_SCHEMA]),
        "ApplyMethod": "immediate",
    }
    fix = (
        f"aws rds modify-db-parameter-group --db-parameter-group-name {group} "
        f"--parameters '{json.dumps([change])}'"
    )
    if group.startswith("default."):
        fix = "create a custom group (see dev-db-binlog-format) and set it there: " + fix
    return failed(
        read,
        f"{IGNORE_DB_PARAMETER} is {shown} in {group}: after the flip prod's unfence would replicate to dev "
        "and unlock dev's app account (two writers)",
        fix + " (dynamic: no reboot)",
    )


CHECKS = (
    Check(
        "dev-db-binlog-format",
        "Dev has a custom parameter group with binlog_format=ROW, applied (else: the one booked reboot).",
        binlog_format,
        WHILE_DEV_HOLDS_DATA,
        permissions=("rds:DescribeDBInstances", "rds:DescribeDBParameters"),
    ),
    Check(
        "dev-db-replication-parameters",
        "sql_mode, time_zone, character set/collation, lower_case_table_names and "
        "max_allowed_packet equal prod's parameter group.",
        replication_parameters,
        WHILE_DEV_HOLDS_DATA,
        permissions=("rds:DescribeDBInstances", "rds:DescribeDBParameters", "rds:DescribeDBParameterGroups"),
    ),
    Check(
        "dev-db-ignores-mysql-schema",
        "Dev's parameter group sets replicate-ignore-db=mysql, so prod's fence statements never "
        "unlock dev once dev replicates from prod.",
        ignores_mysql_schema,
        WHILE_DEV_HOLDS_DATA,
        permissions=("rds:DescribeDBInstances", "rds:DescribeDBParameters"),
    ),
)
