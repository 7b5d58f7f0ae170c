"""SPEC R16, R17.3: the stack the program declares passes every rule in every phase."""

from __future__ import annotations

from tap.offline.plan import Plan
from tap.policies.runner import analysed, check_plan


def test_r17_3_whole_stack_passes_every_rule(any_phase_plan: Plan) -> None:
    report = check_plan(any_phase_plan)
    assert report.violations == (), "\n".join(f"{f.rule}: {f.message}" for f in report.violations)


def test_r16_offline_run_sees_what_preview_would(any_phase_plan: Plan) -> None:
    """Resource rules see registered resources only: the dev database (read) is not analysed."""
    seen = analysed(any_phase_plan)
    assert all(not r.read and r.custom for r in seen)
    assert any(r.read for r in any_phase_plan.resources)  # the dev instance is in the plan, read-only
