"""Durable controller state in the stack's DynamoDB table (hash `pk`, range `sk`).

Item layout (owned by the controller):

- pk=`lock`,    sk=`controller`        owner, lease_until (epoch s): one controller at a time
- pk=`history`, sk=`{seq:010d}`        one transition event each; written with
                                       attribute_not_exists, so history is never overwritten
- pk=`control`, sk=`pause`             paused flag, reason, who, when
- pk=`control`, sk=`rollback-request`  a pending rollback request; the baking controller checks
                                       it every tick, so a rollback always wins

Every write that could race another controller is a conditional write. Items go through boto3's
TypeSerializer/TypeDeserializer (strings S, numbers N, flags BOOL); gates and extra are JSON text
in an S attribute, so any field a later version adds to them needs no schema change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from tap.jsonable import fields_json
from tap.migration.clock import Clock
from tap.migration.errors import LockHeld, MigrationError

if TYPE_CHECKING:
    from types_boto3_dynamodb.client import DynamoDBClient
    from types_boto3_dynamodb.type_defs import AttributeValueTypeDef

LOCK_KEY = {"pk": "lock", "sk": "controller"}
PAUSE_KEY = {"pk": "control", "sk": "pause"}
ROLLBACK_KEY = {"pk": "control", "sk": "rollback-request"}

_TO_DYNAMO, _FROM_DYNAMO = TypeSerializer(), TypeDeserializer()


def _attrs(values: Mapping[str, Any]) -> dict[str, AttributeValueTypeDef]:
    """Plain values -> DynamoDB attribute values (also for keys and ExpressionAttributeValues)."""
    return {k: _TO_DYNAMO.serialize(v) for k, v in values.items()}


def _plain(item: Mapping[str, Any]) -> dict[str, Any]:
    """A DynamoDB item -> plain values (numbers arrive as Decimal)."""
    return {k: _FROM_DYNAMO.deserialize(v) for k, v in item.items()}


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
        fields = fields_json(self, rename={"from_phase": "from", "to_phase": "to"}, omit=("extra",))
        return {**fields, **self.extra}


@dataclass(frozen=True)
class ControlFlag:
    active: bool
    reason: str = ""
    by: str = ""
    time: str = ""


class StateStore:
    def __init__(
        self, dynamodb: DynamoDBClient, table: str, owner: str, clock: Clock, lease_seconds: int = 120
    ):
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
        item = self._get(LOCK_KEY)
        if not item:
            return None
        left = int(item["lease_until"]) - self._epoch()
        return (str(item["owner"]), left) if left > 0 else None

    def acquire(self) -> None:
        """Take the lock if it is free, expired, or already ours; otherwise LockHeld."""
        now = self._epoch()
        try:
            self.db.put_item(
                TableName=self.table,
                Item=_attrs(
                    {
                        **LOCK_KEY,
                        "owner": self.owner,
                        "lease_until": now + self.lease_seconds,
                        "acquired_at": self.clock.now().isoformat(),
                    }
                ),
                # `<=`, as lock_holder counts a lease with 0 s left as gone: with `<` a lease
                # expiring this very second was neither takeable nor held, and acquire recursed.
                ConditionExpression="attribute_not_exists(pk) OR lease_until <= :now OR #o = :me",
                ExpressionAttributeNames={"#o": "owner"},
                ExpressionAttributeValues=_attrs({":now": now, ":me": self.owner}),
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
                Key=_attrs(LOCK_KEY),
                UpdateExpression="SET lease_until = :until",
                ConditionExpression="#o = :me",
                ExpressionAttributeNames={"#o": "owner"},
                ExpressionAttributeValues=_attrs(
                    {":until": self._epoch() + self.lease_seconds, ":me": self.owner}
                ),
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
                Key=_attrs(LOCK_KEY),
                UpdateExpression="SET lease_until = :zero",
                ConditionExpression="#o = :me",
                ExpressionAttributeNames={"#o": "owner"},
                ExpressionAttributeValues=_attrs({":zero": 0, ":me": self.owner}),
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
            "ExpressionAttributeValues": _attrs({":h": "history"}),
            "ScanIndexForward": False,
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:  # newest first, so `limit` stops reading once it has enough
            page = self.db.query(**kwargs)
            items += map(_plain, page["Items"])
            if (limit is not None and len(items) >= limit) or "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        if limit is not None:
            items = items[:limit]
        return [self._entry(i) for i in reversed(items)]

    @staticmethod
    def _entry(item: dict[str, Any]) -> HistoryEntry:
        return HistoryEntry(
            seq=int(item["sk"]),
            time=item["time"],
            from_phase=item["from"],
            to_phase=item["to"],
            outcome=item["outcome"],
            reason=item["reason"],
            owner=item["owner"],
            gates=json.loads(item["gates"]),
            extra=json.loads(item["extra"]),
        )

    @staticmethod
    def _item(entry: HistoryEntry) -> dict[str, Any]:
        """What `_entry` reads back: sk the zero-padded seq (sorts as text), gates and extra JSON."""
        stored = fields_json(entry, rename={"from_phase": "from", "to_phase": "to"}, omit=("seq",))
        stored["gates"] = json.dumps(entry.gates, sort_keys=True, default=str)
        stored["extra"] = json.dumps(entry.extra, sort_keys=True, default=str)
        return {"pk": "history", "sk": f"{entry.seq:010d}", **stored}

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
                    Item=_attrs(self._item(entry)),
                    ConditionExpression="attribute_not_exists(sk)",
                )
                return entry
            except ClientError as exc:
                if not _conditional_failed(exc):
                    raise
                seq += 1
        raise MigrationError("could not append to the migration history after 20 attempts")

    # -- control items ------------------------------------------------------------------------
    def _get(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        item = self.db.get_item(TableName=self.table, Key=_attrs(key), ConsistentRead=True).get("Item")
        return _plain(item) if item else None

    @staticmethod
    def _as_flag(item: dict[str, Any] | None) -> ControlFlag:
        if not item:
            return ControlFlag(False)
        return ControlFlag(bool(item["active"]), item["reason"], item["by"], item["time"])

    def _flag(self, key: Mapping[str, str]) -> ControlFlag:
        return self._as_flag(self._get(key))

    def control(self) -> tuple[ControlFlag, ControlFlag]:
        """(pause, rollback request) in one consistent read: the baking loop asks every tick."""
        items = self.db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :c",
            ExpressionAttributeValues=_attrs({":c": "control"}),
            ConsistentRead=True,
        )["Items"]
        by_key = {str(i["sk"]): i for i in map(_plain, items)}
        return self._as_flag(by_key.get(PAUSE_KEY["sk"])), self._as_flag(by_key.get(ROLLBACK_KEY["sk"]))

    def _set_flag(self, key: Mapping[str, str], active: bool, reason: str) -> None:
        item = {
            **key,
            "active": active,
            "reason": reason,
            "by": self.owner,
            "time": self.clock.now().isoformat(),
        }
        self.db.put_item(TableName=self.table, Item=_attrs(item))

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
                Key=_attrs(ROLLBACK_KEY),
                UpdateExpression="SET active = :f, taken_by = :me",
                ConditionExpression="active = :t",
                ExpressionAttributeValues=_attrs({":f": False, ":t": True, ":me": self.owner}),
            )
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise
            return None
        return flag
