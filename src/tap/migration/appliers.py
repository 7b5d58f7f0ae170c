"""How a phase is applied.

- `PulumiApplier` (default): the Automation API selects the stack, sets `tap:migrationPhase`
  and runs `pulumi up`, so every phase-dependent resource (weights, capacities, the phase
  parameter, the dev record) moves together and the stack stays the source of truth.
- `Route53Applier`: UPSERTs the two weights directly and waits for INSYNC: seconds instead of
  an update's minutes. It is the emergency rollback path; the stack is reconciled right after
  (the same Pulumi update to the same phase), so the next `pulumi up` does not undo it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tap.migration.budget import INSYNC_WAIT_SECONDS
from tap.migration.clock import Clock
from tap.migration.deployment import Deployment
from tap.migration.dns import upsert_weights, wait_insync
from tap.migration.errors import ApplyFailed
from tap.phase_plan import PhasePlan

if TYPE_CHECKING:
    from types_boto3_route53.client import Route53Client

PHASE_CONFIG_KEY = "tap:migrationPhase"

OutputSink = Callable[[str], None]


@dataclass(frozen=True)
class Applied:
    applier: str
    phase: str
    detail: str
    insync_seconds: float | None = None
    reconciled: bool = True
    """False when only the weights moved (`--no-reconcile`): the stack still says the old phase."""


class Applier(Protocol):
    name: str

    def apply(self, plan: PhasePlan, on_output: OutputSink) -> Applied: ...

    def unready(self) -> str | None:
        """Why this applier cannot finish a step here (asked before anything moves), or None."""
        ...


class AutomationStack(Protocol):
    """The part of `pulumi.automation.Stack` the applier uses (the boundary tests check)."""

    def set_config(self, key: str, value: Any, *, path: bool = False) -> None: ...

    def up(self, *, on_output: OutputSink | None = None, message: str | None = None) -> Any: ...


StackFactory = Callable[[str, str], AutomationStack]


def select_stack(stack_name: str, work_dir: str) -> AutomationStack:
    """The real factory: a local workspace over the project directory (needs the Pulumi CLI)."""
    from pulumi import automation

    stack: AutomationStack = automation.select_stack(stack_name=stack_name, work_dir=work_dir)
    return stack


def config_value(value: str) -> Any:
    from pulumi import automation

    return automation.ConfigValue(value=value, secret=False)


class PulumiApplier:
    name = "pulumi"

    def __init__(self, stack_name: str, work_dir: Path, factory: StackFactory = select_stack) -> None:
        self.stack_name = stack_name
        self.work_dir = work_dir
        self.factory = factory

    def unready(self) -> str | None:
        if not self.stack_name:
            return "no Pulumi stack named: pass --stack NAME (or set PULUMI_STACK)"
        # The Automation API drives the Pulumi CLI; without it every update fails, so say so
        # before a step starts (a stand-in factory, as in the tests, brings its own engine).
        if self.factory is select_stack and shutil.which("pulumi") is None:
            return "the Pulumi CLI is not on PATH (the Automation API needs it for `pulumi up`)"
        return None

    def apply(self, plan: PhasePlan, on_output: OutputSink) -> Applied:
        if not self.stack_name:
            raise ApplyFailed(
                f"no Pulumi stack named, so the stack was not updated to phase {plan.phase.value!r}: "
                "pass --stack NAME (or set PULUMI_STACK)"
            )
        try:
            stack = self.factory(self.stack_name, str(self.work_dir))
            stack.set_config(PHASE_CONFIG_KEY, config_value(plan.phase.value))
            result = stack.up(on_output=on_output, message=f"tap migrate: phase {plan.phase.value}")
        except ApplyFailed:
            raise
        except Exception as exc:  # CommandError, missing CLI, bad stack name: all stop the step
            raise ApplyFailed(
                f"pulumi up of stack {self.stack_name!r} to phase {plan.phase.value!r} failed: {exc}"
            ) from exc
        outcome = getattr(getattr(result, "summary", None), "result", None)
        if outcome != "succeeded":
            raise ApplyFailed(f"pulumi up of stack {self.stack_name!r} ended with result {outcome!r}")
        return Applied(self.name, plan.phase.value, f"pulumi up {self.stack_name}: {outcome}")


class Route53Applier:
    name = "route53"

    def __init__(
        self, route53: Route53Client, deployment: Deployment, clock: Clock, reconcile: Applier | None = None
    ) -> None:
        self.route53 = route53
        self.deployment = deployment
        self.clock = clock
        self.reconcile = reconcile

    def shift(self, plan: PhasePlan) -> Applied:
        """Only the weights, and wait until Route53 serves them everywhere."""
        change = upsert_weights(
            self.route53, self.deployment, plan.weights, f"tap migrate: weights of phase {plan.phase.value}"
        )
        waited = wait_insync(self.route53, change, self.clock, timeout_seconds=INSYNC_WAIT_SECONDS)
        return Applied(
            self.name,
            plan.phase.value,
            f"UPSERT blue={plan.weights.blue} green={plan.weights.green} ({change})",
            waited,
        )

    def unready(self) -> str | None:
        """Asked before the weights move: a step that moves them and then cannot reconcile
        leaves green taking traffic the stack does not know about."""
        if self.reconcile is None:
            return None
        reason = self.reconcile.unready()
        if reason is None:
            return None
        return (
            f"the route53 applier reconciles the stack after moving the weights, and cannot: {reason}. "
            "Nothing was moved. Fix that, or pass --no-reconcile to move only the weights "
            "(`tap migrate status` then shows the drift until the stack is updated)"
        )

    def apply(self, plan: PhasePlan, on_output: OutputSink) -> Applied:
        shifted = self.shift(plan)
        if self.reconcile is None:
            return Applied(shifted.applier, shifted.phase, shifted.detail, shifted.insync_seconds, False)
        self.reconcile.apply(plan, on_output)
        return shifted
