"""The replication filter the data switch's fences depend on, named once.

`tap db` fences a side by locking its app accounts (`ALTER USER ... ACCOUNT LOCK`) and unfences
the other by unlocking them. The RDS master user cannot `SET sql_log_bin=0`, so both statements
are binlogged, and account management is always logged as a statement. They are issued with
`mysql` as the default database; a replica with `replicate-ignore-db=mysql` drops them. A
replica without it applies them: production's unfence, replicated to dev, unlocks dev's app
account while production takes writes (two writers), and dev's unfence in a revert unlocks
production.

Read in four places, defined here: the production parameter group (components), the rule
`replication-ignores-mysql-schema` (policies), the preflight check on dev's group, and `tap db`,
which reads the filter a replica is running (`SHOW REPLICA STATUS`, `Replicate_Ignore_DB`)
before it fences or unlocks anything.
"""

from __future__ import annotations

IGNORE_DB_PARAMETER = "replicate-ignore-db"
FENCE_SCHEMA = "mysql"


def schema_list(value: object) -> tuple[str, ...]:
    """The schemas a filter value (`replicate-ignore-db`, `replicate-do-db`: comma-separated, as
    RDS and `SHOW REPLICA STATUS` print them) names, in its order. Compared exactly: with
    `lower_case_table_names=0` (production's, checked equal to dev's) schema names are
    case-sensitive, so `MySQL` does not filter `mysql`."""
    if not isinstance(value, str):
        return ()
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def keeps_fences_local(ignore_db: object, do_db: object = "") -> bool:
    """Does a replica with these `replicate-ignore-db` and `replicate-do-db` values drop tap's
    fence statements? MySQL and MariaDB evaluate the ignore list only when no do list is set; with
    one, a statement is applied exactly when its default database is on the do list."""
    listed = schema_list(do_db)
    if listed:
        return FENCE_SCHEMA not in listed
    return FENCE_SCHEMA in schema_list(ignore_db)
