"""Durable controller state in the stack's DynamoDB table (hash `pk`, range `sk`).

Item layout (owned by the controller):

- pk=`lock`,    sk=`controller`        owner, lease_until (epoch s): one controller at a time
- pk=`history`, sk=`{seq:010d}`        one transition event each; written with
                                       attribute_not_exists, so history is never overwritten
- pk=`control`, sk=`pause`             paused flag, reason, who, when
- pk=`control`, sk=`rollback-request`  a pending rollback request; the baking controller checks
                                       it every tick, so a rollback always wins

Every write that could race another controller is a conditional write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from tap.migration.clock import Clock
from tap.migration.errors import LockHeld, MigrationError

LOCK_KEY = {"pk": {"S": "lock"}, "sk": {"S": "controller"}}
PAUSE_KEY = {"pk": {"S": "control"}, "sk": {"S": "pause"}}
ROLLBACK_KEY = {"pk": {"S": "control"}, "sk": {"S": "rollback-request"}}


def _conditional_failed(exc: ClientError) -> bool:
    return bool(exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    time: str
    from_phase: str
    to_phase: str
    outcome: str
    reason: str
    owner: str
    gates: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "from": self.from_phase,
            "to": self.to_phase,
            "outcome": self.outcome,
            "reason": self.reason,
            "owner": self.owner,
            "gates": self.gates,
            **self.extra,
        }


@dataclass(frozen=True)
class ControlFlag:
    active: bool
    reason: str = ""
    by: str = ""
    time: str = ""


class StateStore:
    def __init__(self, dynamodb: Any, table: str, owner: str, clock: Clock, lease_seconds: int = 120):
        self.db = dynamodb
        self.table = table
        self.owner = owner
        self.clock = clock
        self.lease_seconds = lease_seconds

    # -- lock ---------------------------------------------------------------------------------
    def _epoch(self) -> int:
        return int(self.clock.now().timestamp())

    def lock_holder(self) -> tuple[str, float] | None:
        """(owner, seconds left) of a live lease, or None."""
        item = self.db.get_item(TableName=self.table, Key=LOCK_KEY, ConsistentRead=True).get("Item")
        if not item:
            return None
        left = int(item["lease_until"]["N"]) - self._epoch()
        return (item["owner"]["S"], left) if left > 0 else None

    def acquire(self) -> None:
        """Take the lock if it is free, expired, or already ours; otherwise LockHeld."""
        now = self._epoch()
        try:
            self.db.put_item(
                TableName=self.table,
                Item={
                    **LOCK_KEY,
                    "owner": {"S": self.owner},
                    "lease_until": {"N": str(now + self.lease_seconds)},
                    "acquired_at": {"S": self.clock.now().isoformat()},
                },
                # `<=`, as lock_holder counts a lease with 0 s left as gone: with `<` a lease
                # expiring this very second was neither takeable nor held, and acquire recursed.
                ConditionExpression="attribute_not_exists(pk) OR lease_until <= :now OR #o = :me",
                ExpressionAttributeNames={"#o": "owner"},
                ExpressionAttributeValues={":now": {"N": str(now)}, ":me": {"S": self.owner}},
            )
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise
            holder = self.lock_holder()
            if holder is None:  # expired between our write and the read: try once more
                return self.acquire()
            raise LockHeld(*holder) from None

    def renew(self) -> None:
        """Extend our lease; fails loudly if someone took it over (our lease had lapsed)."""
        try:
            self.db.update_item(
                TableName=self.table,
                Key=LOCK_KEY,
                UpdateExpression="SET lease_until = :until",
                ConditionExpression="#o = :me",
                ExpressionAttributeNames={"#o": "owner"},
                ExpressionAttributeValues={
                    ":until": {"N": str(self._epoch() + self.lease_seconds)},
                    ":me": {"S": self.owner},
                },
            )
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise
            holder = self.lock_holder()
            raise LockHeld(*(holder or ("nobody", 0))) from None

    def release(self) -> None:
        """End our lease (the item stays: expiring it is enough, and nothing is deleted)."""
        try:
            self.db.update_item(
                TableName=self.table,
                Key=LOCK_KEY,
                UpdateExpression="SET lease_until = :zero",
                ConditionExpression="#o = :me",
                ExpressionAttributeNames={"#o": "owner"},
                ExpressionAttributeValues={":zero": {"N": "0"}, ":me": {"S": self.owner}},
            )
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise

    # -- history ------------------------------------------------------------------------------
    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        """Newest last. `limit` keeps the newest `limit` entries."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :h",
            "ExpressionAttributeValues": {":h": {"S": "history"}},
            "ScanIndexForward": False,
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:
            page = self.db.query(**kwargs)
            items += page["Items"]
            if (limit is not None and len(items) >= limit) or "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        if limit is not None:
            items = items[:limit]
        return [self._entry(i) for i in reversed(items)]

    @staticmethod
    def _entry(item: dict[str, Any]) -> HistoryEntry:
        return HistoryEntry(
            seq=int(item["sk"]["S"]),
            time=item["time"]["S"],
            from_phase=item["from"]["S"],
            to_phase=item["to"]["S"],
            outcome=item["outcome"]["S"],
            reason=item["reason"]["S"],
            owner=item["owner"]["S"],
            gates=json.loads(item["gates"]["S"]),
            extra=json.loads(item["extra"]["S"]),
        )

    def append(
        self,
        from_phase: str,
        to_phase: str,
        outcome: str,
        reason: str,
        gates: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> HistoryEntry:
        """Add an entry after the newest one; never overwrites (two writers racing for the same
        sequence number: the loser retries with the next)."""
        last = self.history(limit=1)
        seq = last[0].seq + 1 if last else 1
        for _ in range(20):
            entry = HistoryEntry(
                seq,
                self.clock.now().isoformat(),
                from_phase,
                to_phase,
                outcome,
                reason,
                self.owner,
                list(gates or []),
                dict(extra or {}),
            )
            try:
                self.db.put_item(
                    TableName=self.table,
                    Item={
                        "pk": {"S": "history"},
                        "sk": {"S": f"{seq:010d}"},
                        "time": {"S": entry.time},
                        "from": {"S": from_phase},
                        "to": {"S": to_phase},
                        "outcome": {"S": outcome},
                        "reason": {"S": reason},
                        "owner": {"S": self.owner},
                        "gates": {"S": json.dumps(entry.gates, sort_keys=True, default=str)},
                        "extra": {"S": json.dumps(entry.extra, sort_keys=True, default=str)},
                    },
                    ConditionExpression="attribute_not_exists(sk)",
                )
                return entry
            except ClientError as exc:
                if not _conditional_failed(exc):
                    raise
                seq += 1
        raise MigrationError("could not append to the migration history after 20 attempts")

    # -- control items ------------------------------------------------------------------------
    @staticmethod
    def _as_flag(item: dict[str, Any] | None) -> ControlFlag:
        if not item:
            return ControlFlag(False)
        return ControlFlag(item["active"]["BOOL"], item["reason"]["S"], item["by"]["S"], item["time"]["S"])

    def _flag(self, key: dict[str, Any]) -> ControlFlag:
        return self._as_flag(self.db.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item"))

    def control(self) -> tuple[ControlFlag, ControlFlag]:
        """(pause, rollback request) in one consistent read: the baking loop asks every tick."""
        items = self.db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :c",
            ExpressionAttributeValues={":c": {"S": "control"}},
            ConsistentRead=True,
        )["Items"]
        by_key = {i["sk"]["S"]: i for i in items}
        return self._as_flag(by_key.get(PAUSE_KEY["sk"]["S"])), self._as_flag(
            by_key.get(ROLLBACK_KEY["sk"]["S"])
        )

    def _set_flag(self, key: dict[str, Any], active: bool, reason: str) -> None:
        self.db.put_item(
            TableName=self.table,
            Item={
                **key,
                "active": {"BOOL": active},
                "reason": {"S": reason},
                "by": {"S": self.owner},
                "time": {"S": self.clock.now().isoformat()},
            },
        )

    def pause_flag(self) -> ControlFlag:
        return self._flag(PAUSE_KEY)

    def set_paused(self, paused: bool, reason: str) -> None:
        self._set_flag(PAUSE_KEY, paused, reason)

    def rollback_request(self) -> ControlFlag:
        return self._flag(ROLLBACK_KEY)

    def request_rollback(self, reason: str) -> None:
        self._set_flag(ROLLBACK_KEY, True, reason)

    def take_rollback_request(self, seen: ControlFlag | None = None) -> ControlFlag | None:
        """Claim a pending request (conditional, so exactly one controller acts on it). `seen` is
        the flag as just read by `control()`, saving a read."""
        flag = seen if seen is not None else self.rollback_request()
        if not flag.active:
            return None
        try:
            self.db.update_item(
                TableName=self.table,
                Key=ROLLBACK_KEY,
                UpdateExpression="SET active = :f, taken_by = :me",
                ConditionExpression="active = :t",
                ExpressionAttributeValues={
                    ":f": {"BOOL": False},
                    ":t": {"BOOL": True},
                    ":me": {"S": self.owner},
                },
            )
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise
            return None
        return flag
