"""`tap db cutover|fallback --dry-run`: read only, no lock taken."""

from __future__ import annotations

from typing import Any

from tap.replication.checks import run_gates
from tap.replication.context import DbContext
from tap.replication.journal import Direction


def preview(ctx: DbContext, direction: Direction) -> dict[str, Any]:
    """`--dry-run`: the gates as they stand (read only) and the sequence that would run."""
    source, target = ctx.pair(direction)
    open_run = ctx.journal.open_run()
    gates = run_gates(source, target, ctx.writer.target(), ctx.settings, ctx.clock)
    return {
        "direction": direction.value,
        "open_run": open_run.as_json() if open_run else None,
        "gates": [g.as_json() for g in gates],
        "would_run": [
            f"fence {source.endpoint.name} (lock app accounts, end their sessions)",
            f"wait until {target.endpoint.name} applied {source.endpoint.name}'s fence position "
            f"(timeout {ctx.settings.timeout_seconds:g} s)",
            f"stop {target.endpoint.name}'s replication; record its binlog position",
            f"{source.endpoint.name} replicates from {target.endpoint.name} from that position",
            f"unfence {target.endpoint.name}",
            f"writer record -> {target.endpoint.host}",
            "confirm writes land on the target; no app session on the source",
        ],
    }
