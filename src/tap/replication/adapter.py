"""One connection to one server, speaking its dialect. Nothing above this module imports the
driver: errors become `ReplicationError`, and a statement that carries a password never shows
its text, its arguments or the server's message (which can echo them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import pymysql
import pymysql.cursors

from tap.replication.dialects import Dialect, Statement
from tap.replication.errors import ReplicationError

CONNECT_TIMEOUT_SECONDS = 5
# A statement that hangs (a metadata lock behind a long transaction) must not hang the switch.
READ_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Endpoint:
    """Where a server listens, and under which name `tap db` talks about it."""

    name: str  # "dev" or "prod"
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.name} ({self.host}:{self.port})"


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password=<hidden>)"


@dataclass(frozen=True)
class Account:
    """An app account as `user@host`, the way `ALTER USER` names it."""

    user: str
    host: str

    @classmethod
    def parse(cls, text: str) -> Account:
        user, sep, host = text.partition("@")
        if not user or not sep or not host:
            raise ValueError(f"app account {text!r} must be user@host (e.g. app@%)")
        return cls(user, host)

    def __str__(self) -> str:
        return f"{self.user}@{self.host}"


class Server:
    """An admin session on one server (the RDS master user, or root locally)."""

    def __init__(self, endpoint: Endpoint, credentials: Credentials, dialect: Dialect) -> None:
        self.endpoint = endpoint
        self.dialect = dialect
        try:
            self._conn = pymysql.connect(
                host=endpoint.host,
                port=endpoint.port,
                user=credentials.user,
                password=credentials.password,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                read_timeout=READ_TIMEOUT_SECONDS,
                write_timeout=READ_TIMEOUT_SECONDS,
                autocommit=True,
                cursorclass=pymysql.cursors.DictCursor,
            )
        except pymysql.MySQLError as exc:
            raise ReplicationError(
                f"cannot connect to {endpoint} as {credentials.user}: {_message(exc)}"
            ) from None

    def close(self) -> None:
        with suppress(pymysql.MySQLError):
            self._conn.close()

    def rows(self, stmt: Statement | str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        s = stmt if isinstance(stmt, Statement) else Statement(stmt, args)
        try:
            with self._conn.cursor() as cur:
                cur.execute(s.sql, s.args or None)
                return list(cur.fetchall() or [])
        except pymysql.MySQLError as exc:
            if s.secret:
                code = exc.args[0] if exc.args else "?"
                raise ReplicationError(
                    f"{self.endpoint}: a replication statement failed with server error {code} "
                    "(its text is not shown: it carries the replication password)"
                ) from None
            raise ReplicationError(f"{self.endpoint}: `{_short(s.sql)}` failed: {_message(exc)}") from None

    def one(self, stmt: Statement | str, args: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        found = self.rows(stmt, args)
        return found[0] if found else None

    def run(self, stmt: Statement | str | None, args: tuple[Any, ...] = ()) -> None:
        if stmt is not None:
            self.rows(stmt, args)

    def scalar(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        row = self.one(sql, args)
        return next(iter(row.values())) if row else None

    @contextmanager
    def in_mysql_schema(self) -> Iterator[None]:
        """Account statements are binlogged as statements; issued with `mysql` as the default
        database they are filtered by the other side's `replicate_ignore_db=mysql`, so a fence
        never crosses (the RDS master user cannot `SET sql_log_bin=0`)."""
        self.run("USE mysql")
        yield


def _message(exc: BaseException) -> str:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 2:
        return f"({args[0]}) {args[1]}"
    return str(exc) or type(exc).__name__


def _short(sql: str) -> str:
    return sql if len(sql) <= 80 else sql[:77] + "..."
