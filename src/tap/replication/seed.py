"""`tap db seed`: freeze the seed replica at recorded coordinates.

The seed replica is an RDS read replica of dev. Once it has applied everything it received
(lag 0), its replication stops; the position it applied, in dev's binlog, is where prod's
replication must start after the snapshot -> encrypted copy -> restore chain. The coordinates
go to the migration history and to the two `pulumi config set` commands the operator runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tap.jsonable import fields_json
from tap.migration.clock import Clock
from tap.replication.adapter import Endpoint, Server
from tap.replication.errors import ReplicationError
from tap.replication.journal import Journal
from tap.replication.ops import replica_from
from tap.replication.position import Position

SEED_EVENT = "seed"
CATCH_UP_SECONDS = 300.0


@dataclass(frozen=True)
class SeedReport:
    coordinates: Position
    commands: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return fields_json(self)


def config_commands(pos: Position) -> tuple[str, ...]:
    return (
        f"pulumi config set tap:seedBinlogFile {pos.file}",
        f"pulumi config set tap:seedBinlogPosition {pos.offset}",
    )


def seed(
    replica: Server, dev: Endpoint, journal: Journal, clock: Clock, *, dry_run: bool = False
) -> SeedReport:
    waited = 0.0
    while True:
        status = replica_from(replica, dev)
        if status is None:
            raise ReplicationError(f"{replica.endpoint} does not replicate from {dev}: not the seed replica")
        if status.broken:
            raise ReplicationError(
                f"the seed replica stopped with error {status.last_errno}: {status.last_error[:200]}; "
                "recreate it (never skipped)"
            )
        if not status.running and status.applied is not None:
            break  # stopped by an earlier `tap db seed`: its coordinates still stand
        if status.lag_seconds == 0:
            break
        if waited >= CATCH_UP_SECONDS:
            raise ReplicationError(
                f"the seed replica still lags {status.lag_seconds} s after {CATCH_UP_SECONDS:g} s"
            )
        clock.sleep(0.2)
        waited += 0.2
    if dry_run:
        pos = status.applied or Position(0, 0)
        return SeedReport(pos, config_commands(pos))
    replica.run(replica.dialect.stop_replica())
    stopped = replica_from(replica, dev)
    if stopped is None or stopped.applied is None:
        raise ReplicationError("the seed replica lost its replication status while stopping")
    journal.note(
        SEED_EVENT, f"seed replica stopped at {stopped.applied}", coordinates=stopped.applied.as_json()
    )
    return SeedReport(stopped.applied, config_commands(stopped.applied))
