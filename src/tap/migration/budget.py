"""The migration plan and its rollback budget, derived from the phase machine and settings.

Nothing here knows what a phase is called: each step asks `tap.phases` for its weights, whether
it is a traffic phase and where a rollback lands, and the gates follow from those answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from tap.jsonable import fields_json
from tap.migration.errors import MigrationInputError
from tap.phase_plan import PhasePlan, plan_for
from tap.phases import Phase, TransitionKind, classify_transition, path_to
from tap.settings import Settings

# Route53 applies a change to all of its authoritative servers within about 60 seconds
# (the time GetChange takes to report INSYNC); documented by AWS as "generally within 60 s".
ROUTE53_PROPAGATION_SECONDS = 60
# The rollback promise of this migration (SPEC R15.2): worst case from a bad green to all
# traffic back on blue, including resolvers that cached the old answer.
MAX_ROLLBACK_SECONDS = 15 * 60


# How long the controller waits for GetChange to report INSYNC before it calls a weight change
# unconfirmed (`dns.wait_insync`): twice the documented propagation, and what the budget counts.
INSYNC_WAIT_SECONDS = 2 * ROUTE53_PROPAGATION_SECONDS


@dataclass(frozen=True)
class RollbackBudget:
    """Worst-case time from green going bad to every client back on blue, counting what the
    code really allows:

    detection  = analysis interval x failure limit (failed analyses in a row before rollback)
    tick       = the controller looks every tick: an alarm is seen up to one tick after it fires
    dead lease = a crashed controller keeps the lock (nobody watches, `advance` gets exit 4) until
                 its lease runs out; 0 where the in-AWS rollback guard is armed (alarms move the
                 weights without any controller)
    insync     = how long the controller waits for Route53's INSYNC (twice the documented 60 s)
    ttl        = a resolver may hold the old answer for one TTL
    """

    analysis_interval_seconds: int
    failure_limit: int
    propagation_seconds: int
    ttl_seconds: int
    limit_seconds: int = MAX_ROLLBACK_SECONDS
    tick_seconds: int = 0
    lease_seconds: int = 0
    guarded: bool = False
    insync_wait_seconds: int | None = None

    @property
    def detection_seconds(self) -> int:
        return self.analysis_interval_seconds * self.failure_limit

    @property
    def dead_holder_seconds(self) -> int:
        return 0 if self.guarded else self.lease_seconds

    @property
    def insync_seconds(self) -> int:
        return self.propagation_seconds if self.insync_wait_seconds is None else self.insync_wait_seconds

    @property
    def total_seconds(self) -> int:
        return (
            self.detection_seconds
            + self.tick_seconds
            + self.dead_holder_seconds
            + self.insync_seconds
            + self.ttl_seconds
        )

    @property
    def within_limit(self) -> bool:
        return self.total_seconds <= self.limit_seconds

    @property
    def weights_deadline_seconds(self) -> int:
        """How long after detection a rollback keeps trying to move the weights: as long as the
        promise can still be kept for clients (the limit less detection, tick and one TTL)."""
        return max(
            self.insync_seconds,
            self.limit_seconds - self.detection_seconds - self.tick_seconds - self.ttl_seconds,
        )

    def formula(self) -> str:
        lease = (
            "0 s dead-holder lease (rollback guard armed)"
            if self.guarded
            else f"{self.lease_seconds} s lease a dead holder keeps"
        )
        return (
            f"{self.analysis_interval_seconds} s interval x {self.failure_limit} failures "
            f"+ {self.tick_seconds} s tick + {lease} "
            f"+ {self.insync_seconds} s Route53 INSYNC wait + {self.ttl_seconds} s TTL "
            f"= {self.total_seconds} s (limit {self.limit_seconds} s)"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "analysis_interval_seconds": self.analysis_interval_seconds,
            "failure_limit": self.failure_limit,
            "detection_seconds": self.detection_seconds,
            "tick_seconds": self.tick_seconds,
            "lease_seconds": self.lease_seconds,
            "guarded": self.guarded,
            "dead_holder_seconds": self.dead_holder_seconds,
            "propagation_seconds": self.propagation_seconds,
            "insync_wait_seconds": self.insync_seconds,
            "ttl_seconds": self.ttl_seconds,
            "total_seconds": self.total_seconds,
            "limit_seconds": self.limit_seconds,
            "within_limit": self.within_limit,
            "weights_deadline_seconds": self.weights_deadline_seconds,
        }


# What the controller runs with (wiring.py and core.py use the same numbers).
CONTROLLER_TICK_SECONDS = 10
CONTROLLER_LEASE_SECONDS = 300


def rollback_budget(
    settings: Settings,
    *,
    guarded: bool = False,
    tick_seconds: int = CONTROLLER_TICK_SECONDS,
    lease_seconds: int = CONTROLLER_LEASE_SECONDS,
) -> RollbackBudget:
    m = settings.migration
    return RollbackBudget(
        analysis_interval_seconds=m.analysis_interval_seconds,
        failure_limit=m.analysis_failure_limit,
        propagation_seconds=ROUTE53_PROPAGATION_SECONDS,
        ttl_seconds=settings.dns.record_ttl,
        tick_seconds=tick_seconds,
        lease_seconds=lease_seconds,
        guarded=guarded,
        insync_wait_seconds=INSYNC_WAIT_SECONDS,
    )


def check_budget(budget: RollbackBudget) -> None:
    """Refuse a plan that cannot roll back inside the limit: better no migration than a slow one."""
    if not budget.within_limit:
        raise MigrationInputError(
            f"worst-case rollback time {budget.formula()} exceeds the limit; lower "
            "tap:analysisIntervalSeconds, tap:analysisFailureLimit or tap:dnsTtlSeconds"
        )


def takes_green_traffic(plan: PhasePlan) -> bool:
    return plan.weights.green > 0


def bakes(plan: PhasePlan) -> bool:
    """A phase is baked (watched before it is judged) when green takes traffic and blue is still
    there to fall back to."""
    return plan.is_traffic_phase and takes_green_traffic(plan)


def checks_database(after: PhasePlan) -> bool:
    """The database gate runs before every step into a phase that requires the writer switch
    while the dev record still routes: `blue-green` (the phase machine's
    `requires_writer_switch`), then 10, 50 and 100 %, not only the first: a dev instance back
    on the dev database at 10 % must stop the move to 50 %. (At `complete` dev routes nothing;
    its database may be gone.)"""
    return after.requires_writer_switch and after.dev_record


def retires_old_environment(before: PhasePlan, after: PhasePlan) -> bool:
    """The step that removes the development record: only after the rollback window."""
    return before.dev_record and not after.dev_record


def gates_for(before: PhasePlan, after: PhasePlan) -> tuple[str, ...]:
    """Names of the gates a step passes, in the order they run."""
    gates = ["alarms"]
    if retires_old_environment(before, after):
        gates.append("rollback-window")
    if takes_green_traffic(after):
        gates += ["capacity", "health-checks"]
    if checks_database(after):
        gates.append("database")
    gates.append("dns-readback")
    if bakes(after):
        gates.append("analysis")
    return tuple(gates)


@dataclass(frozen=True)
class Step:
    phase: Phase
    kind: TransitionKind
    blue: int | None
    """Blue weight after the step; None when the development record no longer exists."""
    green: int
    bake_seconds: int
    gates: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "phase": self.phase.value,
            "kind": self.kind.value,
            "weights": {"blue": self.blue, "green": self.green},
            "bake_seconds": self.bake_seconds,
            "gates": list(self.gates),
        }


@dataclass(frozen=True)
class MigrationPlan:
    current: Phase
    steps: tuple[Step, ...]
    budget: RollbackBudget
    rollback_window_seconds: int

    def as_json(self) -> dict[str, object]:
        return fields_json(self, rename={"budget": "rollback_budget"})


def expected_blue(plan: PhasePlan) -> int | None:
    return plan.weights.blue if plan.dev_record else None


def make_step(settings: Settings, before: Phase, after: Phase) -> Step:
    sizes = settings.fleet_sizes
    b, a = plan_for(before, sizes), plan_for(after, sizes)
    return Step(
        phase=after,
        kind=classify_transition(before, after),
        blue=expected_blue(a),
        green=a.weights.green,
        bake_seconds=settings.migration.bake_seconds if bakes(a) else 0,
        gates=gates_for(b, a),
    )


def build_plan(settings: Settings, current: Phase, target: Phase | None = None) -> MigrationPlan:
    """Steps from `current` to `target` (default: the one next phase), one phase at a time."""
    if target is None:
        nxt = plan_for(current, settings.fleet_sizes).next_phase
        phases: tuple[Phase, ...] = (nxt,) if nxt is not None else ()
    else:
        phases = path_to(current, target)
    steps, before = [], current
    for phase in phases:
        steps.append(make_step(settings, before, phase))
        before = phase
    return MigrationPlan(
        current=current,
        steps=tuple(steps),
        budget=rollback_budget(settings),
        rollback_window_seconds=settings.migration.rollback_window_seconds,
    )


def full_plan(settings: Settings) -> MigrationPlan:
    """Every step of the migration from the first phase to the last."""
    first = min(Phase, key=lambda p: p.order)
    last = max(Phase, key=lambda p: p.order)
    return build_plan(settings, first, last)
