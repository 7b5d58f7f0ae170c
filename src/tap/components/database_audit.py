"""The database audit trail (SPEC R5.4, R19; PCI DSS 10.2.1, 10.2.2): the MariaDB Audit Plugin
for RDS MySQL, recording connections, DDL and DCL, exported to CloudWatch as the `audit` log.

Why not `general_log`: it writes every statement with its literals, so card numbers and
personal data in INSERTs and WHEREs end up in CloudWatch (PCI DSS 3.3/3.4), and it also
records `CALL mysql.rds_set_external_master(...)` with the replication password. The audit
plugin with `QUERY_DDL` and `QUERY_DCL` records who changed the schema and the privileges, and
`CONNECT` who logged on and failed to, without the data statements.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.rds_audit import AUDIT_EVENTS, AUDIT_LOG, AUDIT_OPTION, major_version
from tap.settings import Settings


def export_retention_days(settings: Settings, kind: str) -> int:
    """The audit export is audit evidence (kept 12 months); error and slow-query logs are
    operational and follow the general retention."""
    if kind == AUDIT_LOG:
        return settings.compliance.audit_log_retention_days
    return settings.network.log_retention_days


def audit_option_group(ctx: StackContext, parent: pulumi.Resource) -> aws.rds.OptionGroup:
    db = ctx.settings.database
    name = ctx.name("mysql-audit")
    return aws.rds.OptionGroup(
        name,
        name=name,
        engine_name="mysql",
        major_engine_version=major_version(db.engine_version),
        option_group_description="Production MySQL: MariaDB audit plugin (connections, DDL, DCL)",
        options=[
            aws.rds.OptionGroupOptionArgs(
                option_name=AUDIT_OPTION,
                option_settings=[
                    aws.rds.OptionGroupOptionOptionSettingArgs(
                        name="SERVER_AUDIT_EVENTS", value=",".join(AUDIT_EVENTS)
                    ),
                    # Written to a file that RDS exports; a 0 here would stop rotation.
                    aws.rds.OptionGroupOptionOptionSettingArgs(name="SERVER_AUDIT_FILE_ROTATIONS", value="9"),
                ],
            )
        ],
        tags={"Name": name},
        opts=pulumi.ResourceOptions(parent=parent),
    )
