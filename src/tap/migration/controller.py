"""The migration controller: one step at a time, gated before, verified after, baked while
watching, rolled back on its own, and recorded in AWS so another laptop can pick it up.

Split by concern, each layer building on the one below:

- `core`             reading the world, preflight gates, events, history, the lock lease
- `rollback_inputs`  what a rollback knows without AWS healthy (phase, weights, target)
- `rollback`         the one rollback path (weights first, everything else optional)
- `rollback_command` `tap migrate rollback`, the rollback request, a rollback beside a holder
- `bake`             the bake loop and the pure `bake_decision`
- `advance`          open steps, gated steps, apply and verify
- `status`           status (a typed view), pause, resume
"""

from __future__ import annotations

from tap.migration.advance import AdvanceOps
from tap.migration.core import DEFAULT_POLL_SECONDS, RENEW_EVERY_SECONDS, Observation
from tap.migration.records import BakeTick, Outcome, RollbackRecord, RunReport
from tap.migration.status import StatusOps, StatusView

__all__ = [
    "DEFAULT_POLL_SECONDS",
    "RENEW_EVERY_SECONDS",
    "BakeTick",
    "Controller",
    "Observation",
    "Outcome",
    "RollbackRecord",
    "RunReport",
    "StatusView",
]


class Controller(AdvanceOps, StatusOps):
    """Everything `tap migrate` does, on one deployed stack."""
