"""The migration phase machine: the phases, in order, what each one means, and the moves
allowed between them.

Pure Python, no Pulumi imports. Every phase-dependent decision in the program, the policy
checks and the controller asks `tap.phase_plan.plan_for(phase, ...)`, which reads this table;
nothing else branches on a phase name.

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


def green_weight(phase: Phase) -> int:
    """The share (%) of `app.{domain}` the production ALB answers in `phase`."""
    return _GREEN_WEIGHT[phase]


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
    if not targets or green_weight(phase) == 0:
        return None
    zero = [p for p in targets if green_weight(p) == 0]
    return zero[-1] if zero else targets[0]


def allowed_next(phase: Phase) -> tuple[Phase, ...]:
    """One step forward, or back to an earlier traffic phase."""
    forward = (nxt,) if (nxt := next_phase(phase)) is not None else ()
    return forward + rollback_targets(phase)


class TransitionKind(StrEnum):
    ADVANCE = "advance"
    ROLLBACK = "rollback"


def classify_transition(current: Phase, target: Phase) -> TransitionKind:
    """Forward is one step at a time; back is allowed only to an earlier traffic phase."""
    if target == next_phase(current):
        return TransitionKind.ADVANCE
    if target in rollback_targets(current):
        return TransitionKind.ROLLBACK
    allowed = allowed_next(current)
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


def system_of_record(phase: Phase) -> SystemOfRecord:
    if phase.order < Phase.REPLICATE.order:
        return SystemOfRecord.DEV
    if phase == Phase.REPLICATE:
        return SystemOfRecord.SWITCHING
    return SystemOfRecord.PROD
