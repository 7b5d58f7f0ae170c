"""The RDS dialect's statements against AWS's documented procedure signatures, and the one
place replica-status column names are normalized.

Signatures as documented (cited pages):
- https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-stored-proc-replicating.html
  CALL mysql.rds_set_external_master (host_name, host_port, replication_user_name,
  replication_user_password, mysql_binary_log_file_name, mysql_binary_log_file_location,
  ssl_encryption); the same parameters for mysql.rds_set_external_source (8.4);
  CALL mysql.rds_start_replication; CALL mysql.rds_stop_replication;
  CALL mysql.rds_reset_external_master / mysql.rds_reset_external_source
- https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql_rds_set_configuration.html
  CALL mysql.rds_set_configuration(name, value); 'binlog retention hours'
- https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.CommonDBATasks.End.html
  CALL mysql.rds_kill(thread-ID)
"""

from __future__ import annotations

import re

import pytest

from tap.replication.dialects import (
    DialectName,
    LocalDialect,
    RdsDialect,
    SourceSpec,
    normalize_replica_status,
)
from tap.replication.position import Position

DOCUMENTED = {
    "mysql.rds_set_external_master": (
        "host_name",
        "host_port",
        "replication_user_name",
        "replication_user_password",
        "mysql_binary_log_file_name",
        "mysql_binary_log_file_location",
        "ssl_encryption",
    ),
    "mysql.rds_set_external_source": (
        "host_name",
        "host_port",
        "replication_user_name",
        "replication_user_password",
        "mysql_binary_log_file_name",
        "mysql_binary_log_file_location",
        "ssl_encryption",
    ),
    "mysql.rds_set_configuration": ("name", "value"),
    "mysql.rds_kill": ("thread-ID",),
}
SPEC = SourceSpec(
    "dev-db.abc.us-east-1.rds.amazonaws.com",
    3306,
    "tap_repl",
    "pw",
    Position.of("mysql-bin-changelog.012345", 4567),
    True,
)


def _call(sql: str) -> tuple[str, int]:
    m = re.fullmatch(r"CALL (mysql\.rds_\w+)(?:\((.*)\))?", sql)
    assert m, sql
    return m.group(1), 0 if m.group(2) is None else len(m.group(2).split(","))


@pytest.mark.parametrize(
    ("dialect", "proc"), [(DialectName.RDS_80, "master"), (DialectName.RDS_84, "source")]
)
def test_rds_set_external_source_matches_the_documented_signature(dialect: DialectName, proc: str) -> None:
    stmt = RdsDialect(dialect).set_source(SPEC)
    name, arity = _call(stmt.sql)
    assert name == f"mysql.rds_set_external_{proc}"
    assert arity == len(DOCUMENTED[name]) == len(stmt.args)
    assert dict(zip(DOCUMENTED[name], stmt.args, strict=True)) == {
        "host_name": SPEC.host,
        "host_port": 3306,
        "replication_user_name": "tap_repl",
        "replication_user_password": "pw",
        "mysql_binary_log_file_name": "mysql-bin-changelog.012345",
        "mysql_binary_log_file_location": 4567,
        "ssl_encryption": 1,
    }
    assert stmt.secret


@pytest.mark.parametrize(
    ("dialect", "noun"), [(DialectName.RDS_80, "master"), (DialectName.RDS_84, "source")]
)
def test_rds_replication_control_procedures(dialect: DialectName, noun: str) -> None:
    d = RdsDialect(dialect)
    assert d.start_replica().sql == "CALL mysql.rds_start_replication"
    assert d.stop_replica().sql == "CALL mysql.rds_stop_replication"
    assert d.reset_replica().sql == f"CALL mysql.rds_reset_external_{noun}"
    kill = d.kill(99)
    assert _call(kill.sql) == ("mysql.rds_kill", len(DOCUMENTED["mysql.rds_kill"])) and kill.args == (99,)
    keep = d.binlog_retention(72)
    assert keep is not None and _call(keep.sql)[0] == "mysql.rds_set_configuration"
    assert "'binlog retention hours', %s" in keep.sql and keep.args == (72,)
    assert d.binlog_status().sql == (
        "SHOW BINARY LOG STATUS" if dialect == DialectName.RDS_84 else "SHOW MASTER STATUS"
    )


def test_local_dialect_uses_plain_statements_and_hides_the_password() -> None:
    d = LocalDialect()
    stmt = d.set_source(SPEC)
    assert stmt.sql.startswith("CHANGE MASTER TO") and "MASTER_SSL=%s" in stmt.sql and stmt.secret
    assert (d.start_replica().sql, d.stop_replica().sql, d.reset_replica().sql) == (
        "START SLAVE",
        "STOP SLAVE",
        "RESET SLAVE ALL",
    )
    assert d.kill(7).sql == "KILL 7" and d.binlog_retention(72) is None
    assert "pw" not in repr(SPEC)


def test_replica_status_columns_are_normalized_for_mariadb_and_mysql_8() -> None:
    mariadb = {
        "Master_Host": "10.0.0.5",
        "Master_Port": 3306,
        "Slave_IO_Running": "Yes",
        "Slave_SQL_Running": "Yes",
        "Seconds_Behind_Master": 0,
        "Relay_Master_Log_File": "bin.000002",
        "Exec_Master_Log_Pos": 900,
        "Last_SQL_Errno": 0,
        "Last_IO_Errno": 0,
    }
    mysql = {
        "Source_Host": "10.0.0.5",
        "Source_Port": 3306,
        "Replica_IO_Running": "Yes",
        "Replica_SQL_Running": "Yes",
        "Seconds_Behind_Source": 0,
        "Relay_Source_Log_File": "bin.000002",
        "Exec_Source_Log_Pos": 900,
        "Last_SQL_Errno": 0,
        "Last_IO_Errno": 0,
    }
    a, b = normalize_replica_status(mariadb), normalize_replica_status(mysql)
    assert a == b and a is not None and a.running and a.applied == Position.of("bin.000002", 900)
    broken = normalize_replica_status(
        {**mysql, "Replica_SQL_Running": "No", "Last_SQL_Errno": 1062, "Last_SQL_Error": "Duplicate"}
    )
    assert broken is not None and broken.broken and not broken.running and broken.last_errno == 1062
    assert normalize_replica_status(None) is None and normalize_replica_status({"Source_Host": ""}) is None


def test_positions_order_by_file_index_then_offset() -> None:
    assert Position.of("b.999999", 9) < Position.of("b.1000000", 4) and Position.of(
        "b.000001", 5
    ) < Position.of("b.000001", 6)
    with pytest.raises(ValueError, match=r"not <base>\.<number>"):
        Position.of("nonsense", 4)
