"""What one phase decides: the Route53 weights, the fleet capacities, which resources exist and
who takes writes (`PhasePlan`), built by `plan_for` from the phase table (tap.phases) and the
fleet sizes in the settings. Pure Python, no Pulumi imports."""

from __future__ import annotations

from dataclasses import dataclass

from tap.errors import PhaseError
from tap.phases import (
    TRAFFIC_PHASES,
    Phase,
    SystemOfRecord,
    allowed_next,
    green_weight,
    has_seed_replica,
    has_snapshot_chain,
    next_phase,
    rollback_target,
    rollback_targets,
    system_of_record,
)


@dataclass(frozen=True)
class Weights:
    """Route53 weights of the two `app.{domain}` records (0-100, never both 0)."""

    blue: int
    green: int

    def __post_init__(self) -> None:
        if not (0 <= self.blue <= 100 and 0 <= self.green <= 100):
            raise PhaseError(f"weights must be within 0-100, got blue={self.blue} green={self.green}")
        if self.blue == 0 and self.green == 0:
            # Route53 treats all-zero weights as "split evenly": the opposite of what anyone meant.
            raise PhaseError("blue and green weights may not both be 0")


@dataclass(frozen=True)
class Capacity:
    """Auto Scaling group sizes."""

    min: int
    max: int
    desired: int

    def __post_init__(self) -> None:
        if not (0 <= self.min <= self.desired <= self.max):
            raise PhaseError(
                f"capacity must satisfy 0 <= min <= desired <= max, got "
                f"min={self.min} desired={self.desired} max={self.max}"
            )


@dataclass(frozen=True)
class FleetSizes:
    """Sizes from settings; the phase decides which of them apply."""

    green_active: Capacity
    blue_standby_max: int


@dataclass(frozen=True)
class PhasePlan:
    """Everything that depends on the phase, decided in one place."""

    phase: Phase
    weights: Weights
    dev_record: bool
    """Whether the `blue-development` record exists (gone at `complete`)."""
    snapshot_chain: bool
    """Final dev snapshot, its encrypted copy and the prod instance restored from it."""
    multi_az: bool
    """Multi-AZ is switched on after the first restore, so the restore itself is quicker."""
    dev_link: bool
    """Peering with dev's VPC, its routes and cross-VPC rules, and the writer zone's dev
    association: while dev's fleet or database may still take part (gone at `complete`)."""
    seed_replica: bool
    """The disposable read replica of dev that the seed snapshot is taken from."""
    replicates_from_dev: bool
    """Production is expected to replicate from dev (`tap db sync`) until the writer switch."""
    requires_writer_switch: bool
    """The controller's database gate must see the switch done before any step of this phase:
    the writer record names prod, dev is fenced and prod no longer replicates from dev."""
    green_capacity: Capacity
    blue_capacity: Capacity
    system_of_record: SystemOfRecord
    next_phase: Phase | None
    rollback_targets: tuple[Phase, ...]
    rollback_target: Phase | None
    """Where an automatic rollback goes: the last phase in which green takes no traffic."""
    listener_weights: Weights
    """Weights of the ALB listener's two target groups, from their capacity: a group with no
    instances gets none (its share would be 503s)."""
    rollback_guard_armed: bool = False
    """The in-AWS rollback guard (EventBridge -> SSM Automation) exists: green takes traffic
    and the dev record is there to move it back to (components/rollback_guard.py)."""

    @property
    def allowed_next(self) -> tuple[Phase, ...]:
        return allowed_next(self.phase)

    @property
    def green_runs(self) -> bool:
        """Whether the green fleet has instances (and so can be health-checked) in this phase."""
        return self.green_capacity.desired > 0

    @property
    def dev_retired(self) -> bool:
        """Nothing routes to dev and nothing writes to it: it may be decommissioned."""
        return not self.dev_record and self.system_of_record is SystemOfRecord.PROD

    @property
    def prod_database(self) -> bool:
        return self.snapshot_chain

    @property
    def needs_seed_coordinates(self) -> bool:
        """The seed snapshot exists and is tagged with the binlog coordinates `tap db seed`
        recorded, so the settings must carry them."""
        return self.snapshot_chain

    @property
    def is_traffic_phase(self) -> bool:
        return self.phase in TRAFFIC_PHASES


def listener_weights(blue: Capacity, green: Capacity) -> Weights:
    """All of the listener to the fleet that has instances, green when both or neither do.

    When neither has (before `blue-green`), the DNS weight of the production ALB is 0 and
    nothing reaches the listener; the weight still has to go somewhere (never both 0)."""
    if blue.desired > 0 and green.desired == 0:
        return Weights(blue=100, green=0)
    return Weights(blue=0, green=100)


def plan_for(phase: Phase, sizes: FleetSizes) -> PhasePlan:
    """The single mapping from a phase to everything that depends on it."""
    green = green_weight(phase)
    has_prod_db = has_snapshot_chain(phase)
    # Green runs from `blue-green` on: before that there is no production database to serve
    # from. It keeps its full size through `complete`.
    green_runs = phase.order >= Phase.BLUE_GREEN.order
    standby = Capacity(min=0, max=sizes.blue_standby_max, desired=0)
    idle_green = Capacity(min=0, max=sizes.green_active.max, desired=0)
    green_capacity = sizes.green_active if green_runs else idle_green
    return PhasePlan(
        phase=phase,
        weights=Weights(blue=100 - green, green=green)
        if phase != Phase.COMPLETE
        else Weights(blue=0, green=100),
        dev_record=phase != Phase.COMPLETE,
        snapshot_chain=has_prod_db,
        # From `replicate` on: production is about to become the writer, and it must survive
        # the loss of an AZ before it does.
        multi_az=phase.order >= Phase.REPLICATE.order,
        dev_link=phase != Phase.COMPLETE,
        seed_replica=has_seed_replica(phase),
        replicates_from_dev=phase == Phase.REPLICATE,
        requires_writer_switch=phase.order >= Phase.BLUE_GREEN.order,
        green_capacity=green_capacity,
        blue_capacity=standby,
        system_of_record=system_of_record(phase),
        next_phase=next_phase(phase),
        rollback_targets=rollback_targets(phase),
        rollback_target=rollback_target(phase),
        listener_weights=listener_weights(standby, green_capacity),
        rollback_guard_armed=phase in TRAFFIC_PHASES and green > 0,
    )

