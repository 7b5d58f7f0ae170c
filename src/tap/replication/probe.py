"""After the flip: do writes through the writer name land on the target, and is the source
free of app sessions? A probe row goes through the address the record names (the admin user,
into `tap_meta.switch_probe`, which both sides hold and which replicates like any table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap.replication.adapter import Endpoint, Server
from tap.replication.errors import ReplicationError
from tap.replication.observe import app_sessions, identity

if TYPE_CHECKING:
    from tap.replication.context import DbContext

META_SCHEMA = "tap_meta"
PROBE_DDL = (
    f"CREATE TABLE IF NOT EXISTS {META_SCHEMA}.switch_probe ("
    "id BIGINT AUTO_INCREMENT PRIMARY KEY, run VARCHAR(32) NOT NULL, server_id INT NOT NULL, "
    "at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB"
)


def ensure_meta(server: Server) -> None:
    """Create the probe table on one side, unreplicated (`mysql` as the default database), so
    each side gets its own identical copy whatever the other has."""
    with server.in_mysql_schema():
        server.run(f"CREATE DATABASE IF NOT EXISTS {META_SCHEMA}")
        server.run(PROBE_DDL)


def confirm_writes(ctx: DbContext, source: Server, target: Server, run: str) -> str:
    """ "" when writes land on the target, else what is wrong."""
    named = ctx.writer.target()
    if named != target.endpoint.host:
        return f"the writer record names {named!r}, not {target.endpoint.name} ({target.endpoint.host})"
    via = Endpoint("writer", named, target.endpoint.port)
    try:
        probe = Server(via, ctx.admin[target.endpoint.name], target.dialect)
    except ReplicationError as exc:
        return f"cannot connect through the writer name: {exc}"
    try:
        sid = int(probe.scalar("SELECT @@server_id"))
        probe.run(f"INSERT INTO {META_SCHEMA}.switch_probe (run, server_id) VALUES (%s, %s)", (run, sid))
    except ReplicationError as exc:
        return f"a probe write through the writer name failed: {exc}"
    finally:
        probe.close()
    if sid != identity(target).server_id:
        return f"a write through the writer name landed on server_id {sid}, not {target.endpoint.name}"
    left = app_sessions(source, ctx.settings.accounts)
    if left:
        return f"{source.endpoint.name} still has {len(left)} app session(s) after the flip"
    return ""
