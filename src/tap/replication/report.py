"""What a switch run reports: its direction, run id, how it ended, the gates and the steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tap.jsonable import fields_json
from tap.migration.verdicts import GateResult
from tap.replication.journal import Direction, Ending


@dataclass
class SwitchReport:
    direction: Direction
    run: str
    ending: Ending
    reason: str = ""
    gates: list[GateResult] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return fields_json(self)
