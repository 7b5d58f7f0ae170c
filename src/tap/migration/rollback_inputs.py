"""What a rollback knows without AWS being healthy: the phase (SSM, else the outputs), the
weights if Route53 lists them, the target the phase machine names, and whether someone (the
in-AWS guard) already put the weights back."""

from __future__ import annotations

from dataclasses import dataclass

from tap.errors import PhaseError
from tap.migration.aws_faults import AwsFailure, describe, error_code, exit_code
from tap.migration.budget import expected_blue
from tap.migration.core import ControllerCore
from tap.migration.dns import ObservedWeights, read_weights
from tap.migration.errors import MigrationInputError
from tap.phase_plan import PhasePlan
from tap.phases import Phase, TransitionKind, classify_transition, parse_phase


@dataclass(frozen=True)
class KnownPhase:
    phase: Phase
    source: str
    """"ssm" (the phase parameter) or "outputs" (`migration_phase`, when SSM failed)."""
    problem: str | None = None
    problem_exit: int = 0
    """The exit code the failed SSM read stands for (`tap.aws_errors.exit_code`), 0 if none."""


@dataclass(frozen=True)
class WeightsMoved:
    weights: ObservedWeights
    confirmed_by: str
    insync_seconds: float | None
    attempts: int
    problems: tuple[str, ...] = ()


class RollbackInputs(ControllerCore):
    # -- what is known without AWS being healthy ----------------------------------------------
    def known_phase(self) -> KnownPhase:
        """The deployed phase, from SSM if it answers, else from the outputs."""
        try:
            return KnownPhase(self.read_phase()[0], "ssm")
        except (*AwsFailure, MigrationInputError) as exc:
            what = f"could not read the phase parameter {self.dep.phase_parameter}"
            problem = describe(exc, what) if isinstance(exc, AwsFailure) else str(exc)
            code = exit_code(exc) if isinstance(exc, AwsFailure) else exc.exit_code
        fallback = self.dep.outputs_phase
        if fallback is None:
            raise MigrationInputError(f"{problem}; the outputs name no migration_phase to fall back on")
        using = f"{problem}; using {fallback!r} from the outputs"
        return KnownPhase(parse_phase(fallback), "outputs", using, code)

    def _weights_or_none(self) -> tuple[ObservedWeights | None, str | None]:
        try:
            return read_weights(self.clients.client("route53"), self.dep), None
        except AwsFailure as exc:
            return None, describe(exc, "could not list the weighted records")

    def rollback_target(self, current: Phase) -> Phase:
        target = self._plan(current).rollback_target
        if target is None:
            return current  # no earlier traffic phase: put the current phase's weights back
        if classify_transition(current, target) != TransitionKind.ROLLBACK:
            raise PhaseError(f"{target.value!r} is not a rollback target of {current.value!r}")
        return target

    def _already_back(self, tplan: PhasePlan) -> str | None:
        """The weights already read the target's values: say who did it, if AWS can tell."""
        observed, _ = self._weights_or_none()
        if observed is None or not observed.matches(expected_blue(tplan), tplan.weights.green):
            return None
        name = self.dep.values.get("rollback_guard_document_name")
        if not isinstance(name, str) or not name:
            return "the weights were already at the rollback target's values; no UPSERT sent"
        try:
            runs = self.clients.client("ssm").describe_automation_executions(
                Filters=[{"Key": "DocumentNamePrefix", "Values": [name]}], MaxResults=5
            )["AutomationExecutionMetadataList"]
        except AwsFailure as exc:
            return (
                f"the weights were already back (the rollback guard {name} is armed; its executions "
                f"could not be listed: {error_code(exc) or exc}); no UPSERT sent"
            )
        if not runs:
            return (
                f"the weights were already back, but the rollback guard {name} shows no execution; "
                "no UPSERT sent"
            )
        last = runs[0]
        return (
            f"the in-AWS rollback guard already moved the weights (execution "
            f"{last.get('AutomationExecutionId')}, {last.get('AutomationExecutionStatus')}); no UPSERT sent"
        )

    # -- after the weights: whatever can be recorded -------------------------------------------
