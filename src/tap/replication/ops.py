"""The primitive, idempotent operations the sequences are made of."""

from __future__ import annotations

from tap.migration.clock import Clock
from tap.replication.adapter import Account, Credentials, Endpoint, Server
from tap.replication.dialects import ReplicaStatus, SourceSpec
from tap.replication.errors import ReplicationError
from tap.replication.observe import app_sessions, replica_status
from tap.replication.position import Position

KILL_WAIT_SECONDS = 5.0


def set_locked(server: Server, accounts: tuple[Account, ...], locked: bool) -> None:
    """Lock or unlock the app accounts, with `mysql` as the default database so that the
    statement is filtered by the other side's `replicate_ignore_db=mysql`."""
    verb = "LOCK" if locked else "UNLOCK"
    with server.in_mysql_schema():
        for account in accounts:
            server.run(f"ALTER USER %s@%s ACCOUNT {verb}", (account.user, account.host))


def end_sessions(server: Server, accounts: tuple[Account, ...], clock: Clock) -> int:
    """Kill every app session (pooled connections survive a DNS change, so they must end) and
    wait until none is left. Returns how many were killed."""
    killed = 0
    waited = 0.0
    while True:
        ids = app_sessions(server, accounts)
        if not ids:
            return killed
        if waited >= KILL_WAIT_SECONDS:
            raise ReplicationError(
                f"{server.endpoint}: {len(ids)} app session(s) survived {KILL_WAIT_SECONDS:g} s of kills"
            )
        for thread in ids:
            try:
                server.run(server.dialect.kill(thread))
                killed += 1
            except ReplicationError as exc:
                if "Unknown thread" not in str(exc):  # ended on its own meanwhile
                    raise
        clock.sleep(0.05)
        waited += 0.05


def fence(server: Server, accounts: tuple[Account, ...], clock: Clock) -> int:
    set_locked(server, accounts, True)
    return end_sessions(server, accounts, clock)


def replica_from(server: Server, source: Endpoint) -> ReplicaStatus | None:
    """The server's replication status if it replicates from `source`, else None."""
    status = replica_status(server)
    if status is None or (status.source_host, status.source_port) != (source.host, source.port):
        return None
    return status


def stop_and_reset(server: Server) -> None:
    if replica_status(server) is None:
        return
    server.run(server.dialect.stop_replica())
    server.run(server.dialect.reset_replica())


def replicate(server: Server, source: Endpoint, creds: Credentials, start: Position, ssl: bool) -> None:
    """Point `server` at `source` from `start` and start it. Any earlier configuration goes."""
    stop_and_reset(server)
    server.run(
        server.dialect.set_source(
            SourceSpec(source.host, source.port, creds.user, creds.password, start, ssl)
        )
    )
    server.run(server.dialect.start_replica())
