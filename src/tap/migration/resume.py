"""What to do with a step an earlier controller left open, decided from what AWS says now.

Pure: the controller reads the deployed phase and the observed weights, this decides. The rule
that matters most: from a state nobody can explain, never push traffic back to green.
"""

from __future__ import annotations

from enum import StrEnum

from tap.migration.budget import expected_blue
from tap.migration.dns import ObservedWeights
from tap.phase_plan import PhasePlan
from tap.phases import Phase


class ResumeAction(StrEnum):
    RERUN = "rerun"
    """Nothing of the step took effect: run it anew, gates and all."""
    JUDGE = "judge"
    """The step took effect (the result was never written): verify and bake it, apply nothing."""
    REAPPLY = "reapply"
    """Half done or failed: apply the same phase again (idempotent), then verify and bake."""
    ROLLBACK = "rollback"
    """Neither where it started nor where it was going (e.g. a rollback died half way)."""


def _at(plan: PhasePlan, deployed: Phase, observed: ObservedWeights) -> bool:
    return deployed == plan.phase and _weights_at(plan, observed)


def _weights_at(plan: PhasePlan, observed: ObservedWeights) -> bool:
    return observed.matches(expected_blue(plan), plan.weights.green)


def resume_action(
    source: PhasePlan, target: PhasePlan, deployed: Phase, observed: ObservedWeights, *, failed: bool
) -> ResumeAction:
    if _at(source, deployed, observed):
        return ResumeAction.RERUN
    if _at(target, deployed, observed) and not failed:
        return ResumeAction.JUDGE
    if _weights_at(target, observed):
        return ResumeAction.REAPPLY
    return ResumeAction.ROLLBACK
