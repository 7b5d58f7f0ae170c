"""The DynamoDB lock, append-only history and control items, on moto (SPEC R15.3)."""

from __future__ import annotations

from typing import Any

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
    with pytest.MonkeyPatch.context() as stale:
        stale.setattr(b, "history", lambda limit=None: [])
        second = b.append("traffic-shift-10", "traffic-shift-10", "note", "racing writer")
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


# Items exactly as the hand-marshalled store (before TypeSerializer) wrote them: a table a
# running controller filled must still be read, and new writes must keep that shape.
def old_lock(lease_until: int) -> dict[str, dict[str, str]]:
    return {
        "pk": {"S": "lock"},
        "sk": {"S": "controller"},
        "owner": {"S": "old-controller"},
        "lease_until": {"N": str(lease_until)},
        "acquired_at": {"S": "2026-11-29T04:59:00+00:00"},
    }


OLD_HISTORY = {
    "pk": {"S": "history"},
    "sk": {"S": "0000000007"},
    "time": {"S": "2026-11-29T04:59:00+00:00"},
    "from": {"S": "blue-green"},
    "to": {"S": "traffic-shift-10"},
    "outcome": {"S": "completed"},
    "reason": {"S": "gates passed"},
    "owner": {"S": "old-controller"},
    "gates": {"S": '[{"gate": "alarms", "verdict": "pass"}]'},
    "extra": {"S": '{"weights": {"blue": 90, "green": 10}}'},
}
OLD_PAUSE = {
    "pk": {"S": "control"},
    "sk": {"S": "pause"},
    "active": {"BOOL": True},
    "reason": {"S": "investigating"},
    "by": {"S": "ops"},
    "time": {"S": "2026-11-29T04:59:00+00:00"},
}


def test_r15_3_a_table_written_in_the_old_item_shape_still_reads(table: Table) -> None:
    db, now = table.clients.client("dynamodb"), int(table.clock.now().timestamp())
    old_items: list[dict[str, Any]] = [old_lock(now + 600), OLD_HISTORY, OLD_PAUSE]
    for item in old_items:
        db.put_item(TableName=table.name, Item=item)
    s = store(table, "new")
    assert s.lock_holder() == ("old-controller", 600)
    with pytest.raises(LockHeld):
        s.acquire()
    [entry] = s.history()
    assert (entry.seq, entry.from_phase, entry.to_phase, entry.outcome, entry.owner) == (
        7,
        "blue-green",
        "traffic-shift-10",
        "completed",
        "old-controller",
    )
    assert entry.gates == [{"gate": "alarms", "verdict": "pass"}]
    assert entry.extra == {"weights": {"blue": 90, "green": 10}}
    pause, request = s.control()
    assert (pause.active, pause.reason, pause.by) == (True, "investigating", "ops") and not request.active


def test_r15_3_new_writes_keep_the_old_item_shape(table: Table) -> None:
    db, now = table.clients.client("dynamodb"), int(table.clock.now().timestamp())
    db.put_item(TableName=table.name, Item=OLD_HISTORY)
    s = store(table, "old-controller", lease=600)
    s.acquire()
    s.append(
        "blue-green",
        "traffic-shift-10",
        "completed",
        "gates passed",
        [{"gate": "alarms", "verdict": "pass"}],
        {"weights": {"blue": 90, "green": 10}},
    )
    s.set_paused(True, "investigating")

    def raw(pk: str, sk: str) -> dict[str, object]:
        key = {"pk": {"S": pk}, "sk": {"S": sk}}
        return dict(db.get_item(TableName=table.name, Key=key, ConsistentRead=True)["Item"])

    clock_time = {"S": table.clock.now().isoformat()}
    assert raw("lock", "controller") == {
        **old_lock(now + 600),
        "owner": {"S": "old-controller"},
        "acquired_at": clock_time,
    }
    assert raw("history", "0000000008") == {**OLD_HISTORY, "sk": {"S": "0000000008"}, "time": clock_time}
    assert raw("control", "pause") == {**OLD_PAUSE, "by": {"S": "old-controller"}, "time": clock_time}
