"""Two dialects behind one interface: what statement does each replication step take.

Production runs on RDS, where the master user has no SUPER and replication is driven through
stored procedures; local tests run MariaDB, which takes the plain statements. The RDS
signatures follow AWS's reference pages (asserted in tests/replication/test_dialects.py):
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-stored-proc-replicating.html
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql_rds_set_configuration.html
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.CommonDBATasks.End.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from tap.fence_filter import keeps_fences_local, schema_list
from tap.replication.position import Position


class DialectName(StrEnum):
    RDS_80 = "rds-8.0"
    RDS_84 = "rds-8.4"
    LOCAL = "local"  # plain MariaDB/MySQL statements: local test servers only


@dataclass(frozen=True)
class Statement:
    """SQL with driver-side parameters. `secret` statements carry a password: the adapter never
    puts their text or arguments into a log, an error message or the history."""

    sql: str
    args: tuple[Any, ...] = ()
    secret: bool = False


@dataclass(frozen=True)
class SourceSpec:
    """Where a replica reads from, and from which coordinates."""

    host: str
    port: int
    user: str
    password: str
    start: Position
    ssl: bool

    def __repr__(self) -> str:  # never print the password, even in a debugger or a traceback
        return f"SourceSpec({self.host}:{self.port}, user={self.user}, start={self.start}, ssl={self.ssl})"

    def parameters(self) -> tuple[str | int, ...]:
        """The bound values both dialects pass, in their order: host, port, user, password,
        binlog file, offset, TLS (1/0)."""
        return (
            self.host,
            self.port,
            self.user,
            self.password,
            self.start.file,
            self.start.offset,
            int(self.ssl),
        )


class Rows(Protocol):
    def rows(self, stmt: Statement | str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]: ...


class Dialect(Protocol):
    def global_filters(self, server: Rows) -> tuple[str, str] | None:
        """The server's own replication filters (`replicate-ignore-db`, `replicate-do-db`),
        those any replication it starts will run with; None when it cannot say."""
        ...

    name: DialectName

    def set_source(self, spec: SourceSpec) -> Statement: ...
    def start_replica(self) -> Statement: ...
    def stop_replica(self) -> Statement: ...
    def reset_replica(self) -> Statement: ...
    def kill(self, thread_id: int) -> Statement: ...
    def binlog_retention(self, hours: int) -> Statement | None: ...
    def binlog_status(self) -> Statement: ...
    def replica_status(self) -> Statement: ...


class RdsDialect:
    """RDS for MySQL 8.0 (`*_external_master`) or 8.4 (`*_external_source`)."""

    def __init__(self, name: DialectName) -> None:
        self.name = name
        self._noun = "source" if name == DialectName.RDS_84 else "master"

    def set_source(self, spec: SourceSpec) -> Statement:
        # host_name, host_port, replication_user_name, replication_user_password,
        # mysql_binary_log_file_name, mysql_binary_log_file_location, ssl_encryption.
        # AWS gotcha: a general log records this CALL with its password in clear; keep
        # general_log off (the stack's parameter group does) while it runs.
        return Statement(
            f"CALL mysql.rds_set_external_{self._noun}(%s, %s, %s, %s, %s, %s, %s)",
            spec.parameters(),
            secret=True,
        )

    def start_replica(self) -> Statement:
        return Statement("CALL mysql.rds_start_replication")

    def stop_replica(self) -> Statement:
        return Statement("CALL mysql.rds_stop_replication")

    def global_filters(self, server: Rows) -> tuple[str, str] | None:
        """MySQL has no variable for them: performance_schema lists the global filters (from
        the parameter group). With performance_schema off its tables are empty, which would
        read as "no filter": then None, not a refusal."""
        enabled = server.rows("SELECT @@global.performance_schema AS enabled")
        if not enabled or not int(enabled[0]["enabled"] or 0):
            return None
        rules = {
            str(r["name"]): str(r["rule"] or "")
            for r in server.rows(
                "SELECT FILTER_NAME AS name, FILTER_RULE AS rule "
                "FROM performance_schema.replication_applier_global_filters "
                "WHERE FILTER_NAME IN ('REPLICATE_IGNORE_DB', 'REPLICATE_DO_DB')"
            )
        }
        return rules.get("REPLICATE_IGNORE_DB", ""), rules.get("REPLICATE_DO_DB", "")

    def reset_replica(self) -> Statement:
        return Statement(f"CALL mysql.rds_reset_external_{self._noun}")

    def kill(self, thread_id: int) -> Statement:
        return Statement("CALL mysql.rds_kill(%s)", (int(thread_id),))

    def binlog_retention(self, hours: int) -> Statement | None:
        # NULL (the default) means binlogs are purged at once: replication needs hours set.
        return Statement("CALL mysql.rds_set_configuration('binlog retention hours', %s)", (int(hours),))

    def binlog_status(self) -> Statement:
        # 8.4 removed SHOW MASTER STATUS.
        return Statement(
            "SHOW BINARY LOG STATUS" if self.name == DialectName.RDS_84 else "SHOW MASTER STATUS"
        )

    def replica_status(self) -> Statement:
        return Statement("SHOW REPLICA STATUS")


class LocalDialect:
    """MariaDB 10.11 / MySQL as root: the statements the RDS procedures wrap."""

    name = DialectName.LOCAL

    def set_source(self, spec: SourceSpec) -> Statement:
        return Statement(
            "CHANGE MASTER TO MASTER_HOST=%s, MASTER_PORT=%s, MASTER_USER=%s, MASTER_PASSWORD=%s, "
            "MASTER_LOG_FILE=%s, MASTER_LOG_POS=%s, MASTER_SSL=%s",
            spec.parameters(),
            secret=True,
        )

    def start_replica(self) -> Statement:
        return Statement("START SLAVE")

    def stop_replica(self) -> Statement:
        return Statement("STOP SLAVE")

    def global_filters(self, server: Rows) -> tuple[str, str] | None:
        """MariaDB keeps them in variables (settable while no replica thread runs)."""
        row = server.rows(
            "SELECT @@global.replicate_ignore_db AS ignore_db, @@global.replicate_do_db AS do_db"
        )
        return (str(row[0]["ignore_db"] or ""), str(row[0]["do_db"] or "")) if row else None

    def reset_replica(self) -> Statement:
        return Statement("RESET SLAVE ALL")

    def kill(self, thread_id: int) -> Statement:
        return Statement(f"KILL {int(thread_id)}")

    def binlog_retention(self, hours: int) -> Statement | None:
        return None  # a local server keeps its binlogs until purged by hand

    def binlog_status(self) -> Statement:
        return Statement("SHOW MASTER STATUS")

    def replica_status(self) -> Statement:
        return Statement("SHOW SLAVE STATUS")


def dialect_for(name: DialectName) -> Dialect:
    return LocalDialect() if name == DialectName.LOCAL else RdsDialect(name)


@dataclass(frozen=True)
class ReplicaStatus:
    """`SHOW REPLICA STATUS`, one vocabulary whatever the server calls its columns."""

    source_host: str
    source_port: int
    io_running: str
    sql_running: bool
    lag_seconds: int | None
    applied: Position | None
    last_errno: int
    last_error: str
    ignored_schemas: tuple[str, ...] = ()
    """`Replicate_Ignore_DB`: the schemas this replica's running filter drops."""
    only_schemas: tuple[str, ...] = ()
    """`Replicate_Do_DB`: when set, the only schemas it applies (the ignore list is then unused)."""

    @property
    def keeps_fences_local(self) -> bool:
        """Drops tap's fence statements (issued in the `mysql` schema) instead of applying them."""
        return keeps_fences_local(",".join(self.ignored_schemas), ",".join(self.only_schemas))

    @property
    def running(self) -> bool:
        return self.io_running == "Yes" and self.sql_running

    @property
    def broken(self) -> bool:
        return self.last_errno != 0


def _col(row: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in row:
            return row[name]
    return None


def normalize_replica_status(row: Mapping[str, Any] | None) -> ReplicaStatus | None:
    """The one place `Exec_Master_Log_Pos` (MariaDB, MySQL < 8.0.22) and `Exec_Source_Log_Pos`
    (MySQL 8.0.22+) become the same field. No row or no source host: not a replica."""
    if not row:
        return None
    host = _col(row, "Source_Host", "Master_Host") or ""
    if not host:
        return None
    file = _col(row, "Relay_Source_Log_File", "Relay_Master_Log_File") or ""
    pos = _col(row, "Exec_Source_Log_Pos", "Exec_Master_Log_Pos")
    lag = _col(row, "Seconds_Behind_Source", "Seconds_Behind_Master")
    sql_errno = int(_col(row, "Last_SQL_Errno") or 0)
    io_errno = int(_col(row, "Last_IO_Errno") or 0)
    return ReplicaStatus(
        source_host=str(host),
        source_port=int(_col(row, "Source_Port", "Master_Port") or 0),
        io_running=str(_col(row, "Replica_IO_Running", "Slave_IO_Running") or "No"),
        sql_running=str(_col(row, "Replica_SQL_Running", "Slave_SQL_Running")) == "Yes",
        lag_seconds=None if lag is None else int(lag),
        applied=Position.of(str(file), int(pos)) if file and pos is not None else None,
        last_errno=sql_errno or io_errno,
        last_error=str(_col(row, "Last_SQL_Error") or "")
        if sql_errno
        else str(_col(row, "Last_IO_Error") or ""),
        ignored_schemas=schema_list(_col(row, "Replicate_Ignore_DB")),
        only_schemas=schema_list(_col(row, "Replicate_Do_DB")),
    )
