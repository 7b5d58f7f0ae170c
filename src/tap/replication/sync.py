"""`tap db sync`: start (or re-point) prod replicating from dev over TLS.

The replication user's password exists only in Secrets Manager: generated there
(`GetRandomPassword`), put as the secret's value, read back into memory when a statement needs
it. The user is created on both sides (the reverse direction needs it on prod), with `mysql`
as the default database so that neither `CREATE USER` replicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tap.jsonable import fields_json
from tap.replication.adapter import Credentials, Server
from tap.replication.context import DbContext
from tap.replication.dialects import Statement
from tap.replication.errors import ReplicationError, ReplicationInputError, SwitchRefused
from tap.replication.observe import ServerState, observe
from tap.replication.ops import fence, replica_from, replicate
from tap.replication.position import Position
from tap.replication.probe import ensure_meta
from tap.replication.seed import SEED_EVENT


@dataclass(frozen=True)
class SyncReport:
    start: Position
    rotated: bool
    already: bool

    def as_json(self) -> dict[str, Any]:
        return fields_json(self, rename={"rotated": "rotated_password", "already": "already_replicating"})


def ensure_replication_user(server: Server, creds: Credentials, ssl: bool) -> None:
    """With `ssl`, the account itself REQUIRE SSL: a replica that tries without TLS is refused,
    so a running IO thread proves the channel is encrypted."""
    require = " REQUIRE SSL" if ssl else " REQUIRE NONE"
    with server.in_mysql_schema():
        server.run(
            Statement(
                "CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s", (creds.user, creds.password), True
            )
        )
        server.run(
            Statement("ALTER USER %s@'%%' IDENTIFIED BY %s" + require, (creds.user, creds.password), True)
        )
        server.run("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO %s@'%%'", (creds.user,))


def seed_start(ctx: DbContext, explicit: Position | None) -> Position:
    if explicit is not None:
        return explicit
    event = ctx.journal.last_event(SEED_EVENT)
    pos = Position.from_json(event.get("coordinates")) if event else None
    if pos is None:
        raise ReplicationInputError(
            "no seed coordinates in the migration history: run `tap db seed` "
            "or pass --from-file/--from-position"
        )
    return pos


def sync(
    ctx: DbContext, start: Position | None = None, *, rotate: bool = False, dry_run: bool = False
) -> SyncReport:
    dev, prod, st = ctx.dev, ctx.prod, ctx.settings
    status = replica_from(prod, dev.endpoint)
    if status is not None and status.broken:
        raise ReplicationError(
            f"prod's replication from dev stopped with error {status.last_errno}: "
            f"{status.last_error[:200]} — "
            "tap never skips a replication error: reseed prod "
            "(`tap db seed`, snapshot, restore, `tap db sync`)"
        )
    if status is not None and status.running and not rotate:
        return SyncReport(status.applied or Position(0, 0), False, True)
    named = ctx.writer.target()
    if named != dev.endpoint.host:
        raise SwitchRefused(
            f"the writer record names {named!r}, not dev ({dev.endpoint.host}): `tap db sync` prepares "
            "prod before the cutover and would fence it; after the cutover dev replicates from prod already"
        )
    begin = seed_start(ctx, start) if status is None else (status.applied or seed_start(ctx, start))
    _refuse_two_writers(observe(prod, st.accounts))
    if dry_run:
        return SyncReport(begin, rotate, False)
    creds = ctx.secret.rotate() if rotate or not _has_value(ctx) else ctx.secret.read()
    for side in (dev, prod):
        ensure_replication_user(side, creds, st.ssl)
        ensure_meta(side)
        side.run(side.dialect.binlog_retention(st.binlog_retention_hours))
    fence(prod, st.accounts, ctx.clock)  # the restored copy takes no app write until the switch
    replicate(prod, dev.endpoint, creds, begin, st.ssl)
    ctx.journal.note("sync", f"prod replicates from dev from {begin}", start=begin.as_json(), rotated=rotate)
    return SyncReport(begin, rotate, False)


def _has_value(ctx: DbContext) -> bool:
    try:
        ctx.secret.read()
    except ReplicationInputError:
        return False
    return True


def _refuse_two_writers(prod: ServerState) -> None:
    if prod.app_sessions:
        raise ReplicationError(
            f"prod has {len(prod.app_sessions)} app session(s): it may have taken writes dev does not have; "
            "a replica must never take app writes (reseed)"
        )
