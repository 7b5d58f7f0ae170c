"""The production parameter group's replication values (issue 10, item 3), in one list so the
parameter group in database.py only appends them.

What replication between dev and production depends on:

- `binlog_format=ROW`: production is the source of the reverse replication (`tap db
  fallback`); statement-based events are not safe across servers. The matching requirement on
  dev is checked by `tap preflight` (RDS 8.0 defaults to MIXED; changing it on dev, or
  attaching a custom group, needs one reboot of dev: the one booked step in the runbook).
- binlog retention for the reverse direction is not a parameter on RDS: `tap db` calls
  `mysql.rds_set_configuration('binlog retention hours', N)` on production when it starts the
  reverse replication (NULL, the default, keeps no binlogs).
- `replicate-ignore-db=mysql` (dynamic): account locks that fence a side are binlogged as
  statements and the master user cannot `SET sql_log_bin=0`, so `tap db` issues them with
  `mysql` as the default database and this filter keeps them from reaching the other side.
- `event_scheduler=OFF`: events must not write on a replica that is not the writer yet;
  `tap db cutover` turns it on with the promotion, never Pulumi.
- sql_mode, time_zone, character set and collation, `lower_case_table_names`,
  `max_allowed_packet`: must match dev's (settings; empty leaves the RDS MySQL 8.0 default,
  which is what dev has on a default group). A mismatch makes a replicated row differ, or stops
  the replica on a packet or an identifier dev accepted.

Deliberately absent: `read_only`. No `pulumi up` may change which database accepts writes;
`tap db` owns writability (through account locks and its own parameter changes).
"""

from __future__ import annotations

from dataclasses import dataclass

from tap.fence_filter import FENCE_SCHEMA, IGNORE_DB_PARAMETER
from tap.settings import DbParameterSettings

IMMEDIATE, PENDING_REBOOT = "immediate", "pending-reboot"


@dataclass(frozen=True)
class DbParameter:
    name: str
    value: str
    apply_method: str = IMMEDIATE


def replication_parameters(p: DbParameterSettings) -> list[DbParameter]:
    """The replication-relevant parameters, settings first, fixed values after."""
    params = [
        DbParameter("binlog_format", "ROW"),
        DbParameter(IGNORE_DB_PARAMETER, FENCE_SCHEMA),
        DbParameter("event_scheduler", "OFF"),
    ]
    optional = (
        ("sql_mode", p.sql_mode, IMMEDIATE),
        ("time_zone", p.time_zone, IMMEDIATE),
        ("character_set_server", p.character_set, IMMEDIATE),
        ("collation_server", p.collation, IMMEDIATE),
        # Static, and on MySQL 8.0 only honoured when the instance is created (a restore counts).
        ("lower_case_table_names", p.lower_case_table_names, PENDING_REBOOT),
        ("max_allowed_packet", str(p.max_allowed_packet) if p.max_allowed_packet else "", IMMEDIATE),
    )
    params += [DbParameter(name, value, method) for name, value, method in optional if value]
    return params
