"""Typed observations of one server: everything the decisions and the gates read.

Every function here only reads. "Accepting app writes" means: some app account is unlocked
and the server is not `read_only` (a locked account cannot log in; `read_only` is RDS's
second, asynchronous fence through the parameter group)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tap.replication.adapter import Account, Server
from tap.replication.dialects import ReplicaStatus, normalize_replica_status
from tap.replication.errors import ReplicationError
from tap.replication.position import Position

DDL = re.compile(r"^\s*(ALTER|CREATE|DROP|RENAME|TRUNCATE|OPTIMIZE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    """Changes in server_id or a drop in uptime mean the server restarted or failed over."""

    server_id: int
    uptime: int


@dataclass(frozen=True)
class ServerState:
    name: str
    identity: Identity
    read_only: bool
    unlocked_accounts: tuple[str, ...]
    missing_accounts: tuple[str, ...]
    app_sessions: tuple[int, ...]
    binlog: Position | None
    replica: ReplicaStatus | None
    long_transactions: tuple[dict[str, Any], ...] = field(default=())
    xa_transactions: int = 0
    running_ddl: tuple[str, ...] = field(default=())

    @property
    def accepts_app_writes(self) -> bool:
        return bool(self.unlocked_accounts) and not self.read_only

    @property
    def fenced(self) -> bool:
        """No app account can log in and no app session is left."""
        return not self.unlocked_accounts and not self.app_sessions

    def as_json(self) -> dict[str, Any]:
        rep = self.replica
        return {
            "server_id": self.identity.server_id,
            "uptime_seconds": self.identity.uptime,
            "read_only": self.read_only,
            "accepts_app_writes": self.accepts_app_writes,
            "unlocked_app_accounts": list(self.unlocked_accounts),
            "missing_app_accounts": list(self.missing_accounts),
            "app_sessions": len(self.app_sessions),
            "binlog": self.binlog.as_json() if self.binlog else None,
            "replication": None
            if rep is None
            else {
                "source": f"{rep.source_host}:{rep.source_port}",
                "running": rep.running,
                "io_running": rep.io_running,
                "lag_seconds": rep.lag_seconds,
                "applied": rep.applied.as_json() if rep.applied else None,
                "last_errno": rep.last_errno,
                "last_error": rep.last_error,
                "ignored_schemas": list(rep.ignored_schemas),
                "keeps_fences_local": rep.keeps_fences_local,
            },
            "long_transactions": list(self.long_transactions),
            "xa_transactions": self.xa_transactions,
            "running_ddl": list(self.running_ddl),
        }


def identity(server: Server) -> Identity:
    sid = server.scalar("SELECT @@server_id")
    row = server.one("SHOW GLOBAL STATUS LIKE 'Uptime'")
    return Identity(int(sid or 0), int(row["Value"]) if row else 0)


def binlog_position(server: Server) -> Position | None:
    row = server.one(server.dialect.binlog_status())
    if not row or not row.get("File"):
        return None
    return Position.of(str(row["File"]), int(row["Position"]))


def require_binlog(server: Server) -> Position:
    pos = binlog_position(server)
    if pos is None:
        raise ReplicationError(f"{server.endpoint} writes no binary log (log_bin off): it cannot be a source")
    return pos


def replica_status(server: Server) -> ReplicaStatus | None:
    return normalize_replica_status(server.one(server.dialect.replica_status()))


def account_locked(server: Server, account: Account) -> bool | None:
    """True/False, or None when the account does not exist. `SHOW CREATE USER` ends with
    ACCOUNT LOCK on MySQL 8 and MariaDB 10.4+ alike."""
    rows = server.rows(
        "SELECT COUNT(*) AS n FROM mysql.user WHERE User=%s AND Host=%s", (account.user, account.host)
    )
    if not rows or not int(rows[0]["n"]):
        return None
    row = server.one("SHOW CREATE USER %s@%s", (account.user, account.host))
    text = " ".join(str(v) for v in (row or {}).values())
    return "ACCOUNT LOCK" in text.upper()


def app_sessions(server: Server, accounts: tuple[Account, ...]) -> tuple[int, ...]:
    users = sorted({a.user for a in accounts})
    if not users:
        return ()
    marks = ", ".join(["%s"] * len(users))
    rows = server.rows(
        f"SELECT ID FROM information_schema.PROCESSLIST WHERE USER IN ({marks}) AND COMMAND <> 'Killed'",
        tuple(users),
    )
    return tuple(int(r["ID"]) for r in rows)


def long_transactions(server: Server, older_than_seconds: int) -> tuple[dict[str, Any], ...]:
    rows = server.rows(
        "SELECT trx_mysql_thread_id AS thread, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS age_seconds "
        "FROM information_schema.INNODB_TRX WHERE trx_started <= NOW() - INTERVAL %s SECOND",
        (int(older_than_seconds),),
    )
    return tuple({"thread": int(r["thread"]), "age_seconds": int(r["age_seconds"])} for r in rows)


def xa_transactions(server: Server) -> int:
    return len(server.rows("XA RECOVER"))


def running_ddl(server: Server) -> tuple[str, ...]:
    rows = server.rows(
        "SELECT ID, INFO FROM information_schema.PROCESSLIST WHERE INFO IS NOT NULL AND ID <> CONNECTION_ID()"
    )
    return tuple(f"{r['ID']}: {str(r['INFO'])[:60]}" for r in rows if DDL.match(str(r["INFO"])))


def observe(
    server: Server, accounts: tuple[Account, ...], long_trx_seconds: int = 10, *, activity: bool = True
) -> ServerState:
    """`activity=False` skips long transactions, XA and DDL (the gates read them; the switch
    loop, which runs while writes are paused, needs only accounts, sessions and positions)."""
    unlocked, missing = [], []
    for account in accounts:
        locked = account_locked(server, account)
        if locked is None:
            missing.append(str(account))
        elif not locked:
            unlocked.append(str(account))
    return ServerState(
        name=server.endpoint.name,
        identity=identity(server),
        read_only=bool(int(server.scalar("SELECT @@global.read_only") or 0)),
        unlocked_accounts=tuple(unlocked),
        missing_accounts=tuple(missing),
        app_sessions=app_sessions(server, accounts),
        binlog=binlog_position(server),
        replica=replica_status(server),
        long_transactions=long_transactions(server, long_trx_seconds) if activity else (),
        xa_transactions=xa_transactions(server) if activity else 0,
        running_ddl=running_ddl(server) if activity else (),
    )
