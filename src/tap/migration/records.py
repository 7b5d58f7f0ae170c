"""Typed records the controller produces: history outcomes, the report of one run, what a
rollback did (and what it could not record), and one bake tick for the progress display."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tap.jsonable import fields_json
from tap.migration.gates import GateResult
from tap.phases import Phase


class Outcome(StrEnum):
    """History outcomes (stored as their string value)."""

    STARTED = "started"
    """About to apply a step."""
    RESUMED = "resumed"
    PAUSED = "paused"
    FAILED = "failed"
    SUCCEEDED = "succeeded"
    ROLLED_BACK = "rolled-back"
    RECONCILED = "reconciled"
    REFUSED = "refused"
    NOTE = "note"


OPEN = (Outcome.STARTED, Outcome.RESUMED, Outcome.PAUSED, Outcome.FAILED)
"""A phase was entered but not yet judged healthy: `advance` resumes it."""
IGNORED_FOR_RESUME = (Outcome.REFUSED, Outcome.NOTE)
ANNOUNCED = frozenset(Outcome) - {Outcome.STARTED, Outcome.NOTE}
"""Outcomes published to the alarm topic."""


@dataclass
class RollbackRecord:
    """What one rollback did. `unrecorded` lists what it could not do after the weights moved
    (history, pause flag, SNS, the stack update), each with the reason."""

    from_phase: str
    to_phase: str
    reason: str
    detected_at: str
    weights_back_at: str
    detection_to_weights_seconds: float
    weights: dict[str, int | None]
    insync_seconds: float | None = None
    confirmed_by: str = "readback"
    """"readback" (ListResourceRecordSets shows the weights) or "insync" (GetChange said INSYNC
    for our change but the list call failed)."""
    attempts: int = 1
    phase_source: str = "ssm"
    """Where the phase came from: the SSM parameter, or the outputs when SSM was unavailable."""
    by: str = "controller"
    unrecorded: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return fields_json(self, rename={"from_phase": "from", "to_phase": "to"})


@dataclass
class RunReport:
    action: str
    start_phase: str
    end_phase: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    rollback: RollbackRecord | None = None
    warnings: list[str] = field(default_factory=list)
    served: dict[str, int | None] | None = None
    """What Route53 serves at the end, when it differs from what the phases say (a failed
    apply): the summary names it instead of claiming `from -> from`."""

    def as_json(self) -> dict[str, Any]:
        return fields_json(self)


@dataclass(frozen=True)
class BakeTick:
    phase: Phase
    elapsed: float
    total: float
    failures: int
    last: GateResult | None


def gates_json(results: list[GateResult]) -> list[dict[str, Any]]:
    return [r.as_json() for r in results]
