"""The fence filter's reading of a replica's filters (tap.fence_filter): MySQL and MariaDB apply
a statement whose default database is on `replicate-do-db` when that list is set, and evaluate
`replicate-ignore-db` only when it is not."""

from __future__ import annotations

from typing import Any

import pytest

from tap.fence_filter import keeps_fences_local, schema_list
from tap.replication.dialects import (
    DialectName,
    LocalDialect,
    RdsDialect,
    Statement,
    normalize_replica_status,
)


@pytest.mark.parametrize(
    ("ignore_db", "do_db", "local"),
    [
        ("mysql", "", True),
        ("payments_archive, mysql", "", True),
        ("", "", False),
        ("MySQL", "", False),  # case-sensitive with lower_case_table_names=0
        ("payments", "", False),
        ("", "payments", True),  # a do list without mysql: fence statements are not applied
        ("mysql", "payments,mysql", False),  # the do list wins; ignore-db is never read
        (None, None, False),
    ],
)
def test_a_replica_keeps_fences_local_only_when_its_filters_drop_the_mysql_schema(
    ignore_db: str | None, do_db: str | None, local: bool
) -> None:
    assert keeps_fences_local(ignore_db, do_db) is local


def test_schema_lists_keep_their_order_without_repeats() -> None:
    assert schema_list(" b, a ,b,,") == ("b", "a")


def test_the_replica_status_reads_both_lists_whatever_the_server_calls_its_columns() -> None:
    row = {
        "Master_Host": "dev",
        "Master_Port": 3306,
        "Slave_IO_Running": "Yes",
        "Slave_SQL_Running": "Yes",
        "Replicate_Do_DB": "payments",
        "Replicate_Ignore_DB": "",
    }
    status = normalize_replica_status(row)
    assert status is not None and status.only_schemas == ("payments",) and status.keeps_fences_local
    status = normalize_replica_status({**row, "Replicate_Do_DB": "mysql"})
    assert status is not None and not status.keeps_fences_local


class _Answers:
    """A server that answers the two reads RDS's dialect makes, as MySQL 8.0 would."""

    def __init__(self, performance_schema: int, filters: list[tuple[str, str]]) -> None:
        self.performance_schema, self.filters = performance_schema, filters
        self.asked: list[str] = []

    def rows(self, stmt: Statement | str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        sql = stmt if isinstance(stmt, str) else stmt.sql
        self.asked.append(sql)
        if "@@global.performance_schema" in sql:
            return [{"enabled": self.performance_schema}]
        assert "performance_schema.replication_applier_global_filters" in sql
        return [{"name": n, "rule": r} for n, r in self.filters]


def test_rds_reads_the_global_filters_from_performance_schema_and_none_when_it_is_off() -> None:
    rds = RdsDialect(DialectName.RDS_80)
    assert rds.global_filters(_Answers(1, [("REPLICATE_IGNORE_DB", "mysql")])) == ("mysql", "")
    assert rds.global_filters(_Answers(1, [])) == ("", "")  # on, and nothing set: no filter
    off = _Answers(0, [])
    assert rds.global_filters(off) is None  # its tables are empty then: unknown, not "no filter"
    assert len(off.asked) == 1


def test_mariadb_reads_its_filter_variables() -> None:
    class Variables:
        def rows(self, stmt: Statement | str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
            return [{"ignore_db": "mysql", "do_db": None}]

    assert LocalDialect().global_filters(Variables()) == ("mysql", "")
