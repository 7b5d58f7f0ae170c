"""The migration phase machine: the one place that knows what each phase means.

Pure Python, no Pulumi imports. Every phase-dependent decision in the program, the policy
checks and the controller asks `plan_for(phase, ...)`; nothing else branches on a phase name.

Phases, in order::

    initial -> seed -> snapshot -> replicate -> blue-green -> traffic-shift-10
            -> traffic-shift-50 -> traffic-shift-100 -> complete

The data tier moves without a write freeze: `seed` adds a read replica of dev (`tap db seed`
stops its replication and records the binlog coordinates); `snapshot` snapshots that stopped
replica, copies the snapshot with the production key and restores production from the copy;
`replicate` has production replicate from dev until `tap db cutover` moves the writer; only
then may `blue-green` start (the controller's database gate asks `requires_writer_switch`).

"blue" in DNS is the development environment (record `blue-development`); "green" is the new
production fleet behind the prod ALB (record `green-production`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tap.errors import PhaseError


class Phase(StrEnum):
    INITIAL = "initial"
    SEED = "seed"
    SNAPSHOT = "snapshot"
    REPLICATE = "replicate"
    BLUE_GREEN = "blue-green"
    TRAFFIC_SHIFT_10 = "traffic-shift-10"
    TRAFFIC_SHIFT_50 = "traffic-shift-50"
    TRAFFIC_SHIFT_100 = "traffic-shift-100"
    COMPLETE = "complete"

    @property
    def order(self) -> int:
        return PHASES.index(self)


PHASES: tuple[Phase, ...] = tuple(Phase)
PHASE_NAMES: tuple[str, ...] = tuple(p.value for p in PHASES)

# Share of `app.{domain}` answered by the production ALB in each phase. Everything before the
# first shift sends 0 % to green; `complete` removes the development record altogether.
_GREEN_WEIGHT: dict[Phase, int] = {
    Phase.INITIAL: 0,
    Phase.SEED: 0,
    Phase.SNAPSHOT: 0,
    Phase.REPLICATE: 0,
    Phase.BLUE_GREEN: 0,
    Phase.TRAFFIC_SHIFT_10: 10,
    Phase.TRAFFIC_SHIFT_50: 50,
    Phase.TRAFFIC_SHIFT_100: 100,
    Phase.COMPLETE: 100,
}

# Phases in which both DNS records exist and the controller may move weights. A rollback may
# only land on one of these: going back to `replicate` or earlier would mean handing the writer
# back to dev (that is `tap db fallback`, never a phase change) or un-restoring the production
# database, which this program never does.
TRAFFIC_PHASES: tuple[Phase, ...] = (
    Phase.BLUE_GREEN,
    Phase.TRAFFIC_SHIFT_10,
    Phase.TRAFFIC_SHIFT_50,
    Phase.TRAFFIC_SHIFT_100,
)


class SystemOfRecord(StrEnum):
    """Which database takes payment writes in a phase.

    Two writable databases at once means two diverging ledgers: a payment written to one is
    missing from the other, and nothing reconciles them. So the order is strict: dev takes
    writes while the seed replica, the snapshot and the restore happen (no freeze: production
    catches up by replication); during `replicate` the writer is `switching`: `tap db cutover`
    fences dev, waits for production to apply dev's position and flips the writer record, so
    at any instant exactly one side accepts app writes; from `blue-green` on prod is the
    system of record. No `pulumi up` changes which database is writable: that is `tap db`'s.
    """

    DEV = "dev"
    SWITCHING = "switching"
    PROD = "prod"


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
        forward = (self.next_phase,) if self.next_phase is not None else ()
        return forward + self.rollback_targets

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


def parse_phase(value: str) -> Phase:
    """Turn a setting or argument into a Phase, or explain what is allowed."""
    try:
        return Phase(value)
    except ValueError:
        raise PhaseError(
            f"unknown migration phase {value!r}; valid phases, in order: {', '.join(PHASE_NAMES)}"
        ) from None


def next_phase(phase: Phase) -> Phase | None:
    i = phase.order
    return PHASES[i + 1] if i + 1 < len(PHASES) else None


def rollback_targets(phase: Phase) -> tuple[Phase, ...]:
    """Earlier traffic phases: the phases a rollback from `phase` may land on."""
    return tuple(p for p in TRAFFIC_PHASES if p.order < phase.order)


def rollback_target(phase: Phase) -> Phase | None:
    """The automatic rollback target.

    Any failure once green takes traffic implicates green, so the automatic target is the
    newest phase in which green takes none (`blue-green`), not the previous weight: a bad
    build at 50 % is still a bad build at 10 %.
    """
    targets = rollback_targets(phase)
    if not targets or _GREEN_WEIGHT[phase] == 0:
        return None
    zero = [p for p in targets if _GREEN_WEIGHT[p] == 0]
    return zero[-1] if zero else targets[0]


class TransitionKind(StrEnum):
    ADVANCE = "advance"
    ROLLBACK = "rollback"


def classify_transition(current: Phase, target: Phase) -> TransitionKind:
    """Forward is one step at a time; back is allowed only to an earlier traffic phase."""
    if target == next_phase(current):
        return TransitionKind.ADVANCE
    if target in rollback_targets(current):
        return TransitionKind.ROLLBACK
    allowed = plan_for(current, _NOMINAL).allowed_next
    raise PhaseError(
        f"cannot move from {current.value!r} to {target.value!r}; allowed from {current.value!r}: "
        + (", ".join(p.value for p in allowed) or "nothing")
    )


def path_to(current: Phase, target: Phase) -> tuple[Phase, ...]:
    """The steps `advance --to target` takes, one phase at a time (excluding `current`)."""
    if target.order <= current.order:
        raise PhaseError(f"{target.value!r} is not ahead of {current.value!r}")
    return PHASES[current.order + 1 : target.order + 1]


def has_snapshot_chain(phase: Phase) -> bool:
    """From `snapshot` on, the seed snapshot, its encrypted copy and the prod instance exist
    (and stay: removing them would replace the production database)."""
    return phase.order >= Phase.SNAPSHOT.order


def has_seed_replica(phase: Phase) -> bool:
    """The read replica of dev exists while it is seeded and snapshotted. From `replicate` on
    production replicates from dev itself, so the replica goes: it is a disposable copy (not
    protected, no final snapshot) and nothing protected depends on it; the snapshot names it
    by identifier, not by reference, so removing it changes no protected resource."""
    return Phase.SEED.order <= phase.order <= Phase.SNAPSHOT.order


def first_phase_with_snapshot_chain() -> Phase:
    """The phase in which the final dev snapshot is taken (tagged on the snapshot)."""
    return next(p for p in PHASES if has_snapshot_chain(p))


def _system_of_record(phase: Phase) -> SystemOfRecord:
    if phase.order < Phase.REPLICATE.order:
        return SystemOfRecord.DEV
    if phase == Phase.REPLICATE:
        return SystemOfRecord.SWITCHING
    return SystemOfRecord.PROD


def listener_weights(blue: Capacity, green: Capacity) -> Weights:
    """All of the listener to the fleet that has instances, green when both or neither do.

    When neither has (before `blue-green`), the DNS weight of the production ALB is 0 and
    nothing reaches the listener; the weight still has to go somewhere (never both 0)."""
    if blue.desired > 0 and green.desired == 0:
        return Weights(blue=100, green=0)
    return Weights(blue=0, green=100)


def plan_for(phase: Phase, sizes: FleetSizes) -> PhasePlan:
    """The single mapping from a phase to everything that depends on it."""
    green = _GREEN_WEIGHT[phase]
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
        system_of_record=_system_of_record(phase),
        next_phase=next_phase(phase),
        rollback_targets=rollback_targets(phase),
        rollback_target=rollback_target(phase),
        listener_weights=listener_weights(standby, green_capacity),
        rollback_guard_armed=phase in TRAFFIC_PHASES and green > 0,
    )


# Used only for messages that do not depend on sizes.
_NOMINAL = FleetSizes(green_active=Capacity(min=3, max=9, desired=3), blue_standby_max=3)
