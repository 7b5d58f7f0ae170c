"""Generated sections of docs/runbook.md: the step table and rollback budget (from the
controller's own plan, `tap.migration.budget`) and the emergency Route53 change batch (from
the weighted records the program declares), so the runbook cannot drift from the code."""

from __future__ import annotations

import json
from typing import Any

from tap import aws_types as t
from tap.markdown_table import table
from tap.migration.budget import full_plan
from tap.offline.plan import Plan
from tap.settings import Settings
from tap.weighted_records import planned_record_set


def steps(settings: Settings) -> str:
    plan = full_plan(settings)
    rows = [
        [
            f"`{s.phase.value}`",
            s.kind.value,
            "removed" if s.blue is None else f"{s.blue}%",
            f"{s.green}%",
            f"{s.bake_seconds} s" if s.bake_seconds else "-",
            ", ".join(s.gates),
        ]
        for s in plan.steps
    ]
    return table(["step to", "kind", "dev (blue) weight", "green weight", "bake", "gates, in order"], rows)


def budget(settings: Settings) -> str:
    plan = full_plan(settings)
    return (
        f"Worst case from green going bad to every client back on dev, with the example settings: "
        f"{plan.budget.formula()}. The dev record is kept, at weight 0, for "
        f"{plan.rollback_window_seconds} s (`tap:rollbackWindowSeconds`) after 100 % before "
        "`complete` may remove it.\n"
    )


def emergency_batch(plan: Plan) -> dict[str, Any]:
    """UPSERTs that put every request back on dev: dev 100, green 0, every other attribute as
    the program declares it (an UPSERT replaces the whole record set)."""
    dev_id = plan.outputs["dev_record_set_identifier"]
    weighted = sorted(
        (r for r in plan.of_type(t.ROUTE53_RECORD) if r.get("weightedRoutingPolicies")),
        key=lambda r: str(r.get("setIdentifier")),
    )
    changes = [
        {
            "Action": "UPSERT",
            "ResourceRecordSet": planned_record_set(r.inputs, 100 if r.get("setIdentifier") == dev_id else 0),
        }
        for r in weighted
    ]
    return {"Comment": "EMERGENCY rollback: all traffic to dev (blue-development)", "Changes": changes}


def emergency_batch_markdown(plan: Plan) -> str:
    return "```json\n" + json.dumps(emergency_batch(plan), indent=2) + "\n```\n"
