"""A controller that died holding the lock (issue 12, items 2 and 6): what a refused `advance`
says, how long green goes unwatched without the in-AWS guard, and the note a controller leaves
when it finds its lease taken over mid-bake."""

from __future__ import annotations

import pytest

from tap.emulator.stand_in import StandIn
from tap.migration.budget import rollback_budget
from tap.migration.errors import Interrupted, LockHeld, RolledBack
from tap.migration.records import Outcome
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


def test_a_refused_advance_reports_the_firing_alarm(stand_in: StandIn) -> None:
    make_controller(stand_in, owner="dead-laptop").store.acquire()
    stand_in.set_alarm("green_5xx", "ALARM")
    with pytest.raises(LockHeld) as exc:
        make_controller(stand_in, owner="pipeline").advance()
    message = str(exc.value)
    assert (
        "dead-laptop" in message and "ALARM FIRING" in message and stand_in.alarm_name("green_5xx") in message
    )
    assert "tap migrate rollback" in message


def test_without_the_guard_green_is_unwatched_for_the_dead_holders_lease(stand_in: StandIn) -> None:
    """The holder dies 60 s into the 10 % bake; the alarm fires at once; a pipeline retries
    `advance` every 30 s. Weights come back only after the lease runs out: the budget counts it."""
    stand_in.feed_metrics(60)
    dead = make_controller(stand_in, owner="dead-laptop")
    stand_in.clock.at(60.0, lambda: (_ for _ in ()).throw(KeyboardInterrupt))  # the laptop dies
    with pytest.raises(Interrupted):
        dead.advance()
    dead.store.acquire()  # ...with its lease fresh, as a kill -9 leaves it
    fired = stand_in.clock.elapsed
    stand_in.set_alarm("green_5xx", "ALARM")
    pipeline = make_controller(stand_in, owner="pipeline")
    refusals = 0
    for _ in range(20):
        try:
            pipeline.advance()
        except LockHeld:
            refusals += 1
            stand_in.clock.sleep(30)
        except RolledBack:
            break
    back = stand_in.clock.elapsed - fired
    assert stand_in.weights() == {"blue": 100, "green": 0}
    budget = rollback_budget(stand_in.settings)
    assert refusals >= 9 and back <= budget.dead_holder_seconds + 30 + budget.tick_seconds
    print(
        "\n[fault -> weights back] dead holder, no guard, pipeline retrying every 30 s: "
        f"{back:.1f} simulated s"
    )


def test_a_controller_whose_lease_is_taken_mid_bake_leaves_the_note(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, owner="sleepy-laptop")
    rival = make_controller(stand_in, owner="rival")

    def lease_taken_over() -> None:  # the laptop slept past its lease; the rival took the lock
        ctl.store.release()
        rival.store.acquire()

    stand_in.clock.at(95.0, lease_taken_over)
    with pytest.raises(LockHeld):
        ctl.advance()
    last = ctl.store.history()[-1]
    assert last.outcome == Outcome.NOTE and last.owner == "sleepy-laptop"
    assert "lost the migration lock to rival" in last.reason
