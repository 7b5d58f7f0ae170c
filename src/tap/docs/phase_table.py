"""The README's phase table, generated from `tap.phase_plan.plan_for` with the default fleet sizes.

The phase machine is the only place that knows what a phase means; this table is a reading of
it, so it cannot claim a weight or capacity the program does not use.
"""

from __future__ import annotations

from tap.markdown_table import table
from tap.phase_plan import PhasePlan, plan_for
from tap.phases import PHASES
from tap.settings import Settings


def _row(p: PhasePlan) -> list[str]:
    rollback = p.rollback_target.value if p.rollback_target else "-"
    return [
        f"`{p.phase.value}`",
        str(p.weights.green),
        str(p.weights.blue) if p.dev_record else "record removed",
        "yes" if p.prod_database else "-",
        "yes" if p.multi_az else ("no" if p.prod_database else "-"),
        f"{p.green_capacity.desired} (max {p.green_capacity.max})",
        p.system_of_record.value,
        ", ".join(f"`{t.value}`" for t in p.allowed_next) or "-",
        f"`{rollback}`" if p.rollback_target else rollback,
    ]


def render() -> str:
    sizes = Settings().fleet_sizes
    header = [
        "phase",
        "green weight",
        "dev (blue) weight",
        "prod DB",
        "Multi-AZ",
        "green desired",
        "writes go to",
        "may move to",
        "automatic rollback to",
    ]
    return table(header, [_row(plan_for(phase, sizes)) for phase in PHASES])
