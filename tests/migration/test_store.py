"""The DynamoDB lock, append-only history and control items, on moto (SPEC R15.3)."""

from __future__ import annotations

import pytest

from tap.aws_clients import AwsClients
from tap.emulator.seed import create_state_table
from tap.migration.clock import ManualClock
from tap.migration.errors import LockHeld
from tap.migration.store import StateStore

pytestmark = pytest.mark.moto


class Table:
    """Just the state table: the store needs nothing else."""

    def __init__(self, clients: AwsClients, clock: ManualClock) -> None:
        self.clients, self.clock = clients, clock
        self.name = create_state_table(clients, "prod-migration-state-store-test")


@pytest.fixture
def table(aws: AwsClients, clock: ManualClock) -> Table:
    return Table(aws, clock)


def store(env: Table, owner: str, lease: int = 120) -> StateStore:
    return StateStore(env.clients.client("dynamodb"), env.name, owner, env.clock, lease)


def test_r15_3_lock_refuses_a_second_owner_and_allows_takeover_after_expiry(table: Table) -> None:
    a, b = store(table, "a"), store(table, "b")
    a.acquire()
    a.acquire()  # re-entrant for its owner
    with pytest.raises(LockHeld) as exc:
        b.acquire()
    assert exc.value.owner == "a" and 0 < exc.value.expires_in <= 120
    table.clock.sleep(121)
    b.acquire()
    with pytest.raises(LockHeld):  # a's lease lapsed and b took it: a cannot renew
        a.renew()


def test_r15_3_release_frees_the_lock_for_the_next_controller(table: Table) -> None:
    a, b = store(table, "a"), store(table, "b")
    a.acquire()
    a.release()
    assert a.lock_holder() is None
    b.acquire()
    b.release()
    a.release()  # releasing a lock one does not hold changes nothing
    assert b.lock_holder() is None


def test_r15_3_history_is_append_only_even_when_two_writers_race(table: Table) -> None:
    a, b = store(table, "a"), store(table, "b")
    first = a.append("blue-green", "traffic-shift-10", "started", "go", [{"gate": "alarms"}])
    # b read the history before a's write (same next sequence number): its conditional put
    # fails and it lands after a's entry instead of overwriting it.
    original = b.history
    b.history = lambda limit=None: []  # type: ignore[method-assign]
    second = b.append("traffic-shift-10", "traffic-shift-10", "note", "racing writer")
    b.history = original  # type: ignore[method-assign]
    rows = a.history()
    assert [r.seq for r in rows] == [first.seq, second.seq] == [1, 2]
    assert rows[0].owner == "a" and rows[0].gates == [{"gate": "alarms"}] and rows[1].owner == "b"
    assert [r.seq for r in a.history(limit=1)] == [2]


def test_r15_2_a_rollback_request_is_taken_exactly_once(table: Table) -> None:
    operator, a, b = store(table, "operator"), store(table, "a"), store(table, "b")
    operator.request_rollback("pager")
    pause, request = a.control()
    assert not pause.active and request.active and request.by == "operator"
    taken = a.take_rollback_request(request)
    assert taken is not None and taken.reason == "pager"
    assert b.take_rollback_request(request) is None  # b saw the same stale flag, loses the race
    assert not a.rollback_request().active


def test_r15_3_pause_flag_round_trip(table: Table) -> None:
    s = store(table, "ops")
    s.set_paused(True, "investigating")
    assert s.pause_flag().active and s.pause_flag().reason == "investigating"
    s.set_paused(False, "done")
    assert not s.control()[0].active
