"""The switch's record in the migration history (`StateStore.append`), and reading it back.

Every entry is written with outcome `note`, which the traffic controller's resume logic skips,
and carries the whole run record in `extra["db"]`: the newest entry of a run is enough to
resume it after a crash. The run record holds positions and times, never a password.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from tap.jsonable import fields_json
from tap.migration.store import StateStore
from tap.replication.decisions import Step
from tap.replication.position import Position

FROM = "tap db"
OUTCOME = "note"  # ignored by `tap migrate`'s resume (IGNORED_FOR_RESUME)


class Direction(StrEnum):
    CUTOVER = "cutover"  # dev -> prod
    FALLBACK = "fallback"  # prod -> dev

    @property
    def source(self) -> str:
        return "dev" if self == Direction.CUTOVER else "prod"

    @property
    def target(self) -> str:
        return "prod" if self == Direction.CUTOVER else "dev"

    @property
    def reverse(self) -> Direction:
        return Direction.FALLBACK if self == Direction.CUTOVER else Direction.CUTOVER


class Ending(StrEnum):
    DONE = "done"
    REFUSED = "refused"
    REVERTED = "reverted"
    FALLBACK = "fell-back"  # handed over to the reverse switch
    HALTED = "halted"


@dataclass(frozen=True)
class RunRecord:
    run: str
    direction: Direction
    step: Step
    gated_at: str
    reverting: bool = False
    reason: str = ""
    fence: dict[str, Any] | None = None
    applied_at_stop: dict[str, Any] | None = None
    target_binlog: dict[str, Any] | None = None
    identities: dict[str, list[int]] = field(default_factory=dict)
    ended: str = ""

    @property
    def fence_position(self) -> Position | None:
        return Position.from_json(self.fence)

    @property
    def stop_position(self) -> Position | None:
        return Position.from_json(self.applied_at_stop)

    @property
    def target_position(self) -> Position | None:
        return Position.from_json(self.target_binlog)

    def as_json(self) -> dict[str, Any]:
        return fields_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRecord:
        return cls(**{**data, "direction": Direction(data["direction"]), "step": Step(data["step"])})


class Journal:
    def __init__(self, store: StateStore) -> None:
        self.store = store

    @staticmethod
    def new_run(direction: Direction, gated_at: str, identities: dict[str, list[int]]) -> RunRecord:
        return RunRecord(uuid.uuid4().hex[:12], direction, Step.GATED, gated_at, identities=identities)

    def write(self, record: RunRecord, event: str, reason: str = "", **extra: Any) -> RunRecord:
        self.store.append(
            FROM,
            f"{record.direction.value}:{event}",
            OUTCOME,
            reason or event,
            extra={"db": record.as_json(), **extra},
        )
        return record

    def advance(self, record: RunRecord, step: Step, reason: str = "", **changes: Any) -> RunRecord:
        return self.write(replace(record, step=step, **changes), step.value, reason)

    def end(self, record: RunRecord, ending: Ending, reason: str = "") -> RunRecord:
        return self.write(
            replace(record, ended=ending.value, reason=reason or record.reason), ending.value, reason
        )

    def note(self, event: str, reason: str, **extra: Any) -> None:
        """An entry outside a switch run (refusals before a run, seed coordinates, sync)."""
        self.store.append(FROM, event, OUTCOME, reason, extra={"db_event": event, **extra})

    def last_run(self) -> RunRecord | None:
        for entry in reversed(self.store.history()):
            data = entry.extra.get("db")
            if isinstance(data, dict) and "run" in data:
                return RunRecord.from_json(data)
        return None

    def open_run(self) -> RunRecord | None:
        """The newest switch run, if it never ended: a crashed `tap db` left it."""
        last = self.last_run()
        return last if last is not None and not last.ended else None

    def last_event(self, event: str) -> dict[str, Any] | None:
        for entry in reversed(self.store.history()):
            if entry.extra.get("db_event") == event:
                return {"time": entry.time, "reason": entry.reason, **entry.extra}
        return None
