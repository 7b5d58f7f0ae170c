"""Durable controller state in the stack's DynamoDB table: the lock (state_lock.py), the
history and the control flags, one item each (layout and codec: state_items.py).

Every write that could race another controller is a conditional write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from tap.migration.errors import MigrationError
from tap.migration.state_items import (
    PAUSE_KEY,
    ROLLBACK_KEY,
    ControlFlag,
    HistoryEntry,
    attrs,
    conditional_failed,
    control_flag,
    history_entry,
    history_item,
    plain,
)
from tap.migration.state_lock import LeaseLock


class StateStore(LeaseLock):
    """The lock (inherited), the history and the control flags of one state table."""

    # -- history ------------------------------------------------------------------------------
    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        """Newest last. `limit` keeps the newest `limit` entries."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :h",
            "ExpressionAttributeValues": attrs({":h": "history"}),
            "ScanIndexForward": False,
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:  # newest first, so `limit` stops reading once it has enough
            page = self.db.query(**kwargs)
            items += map(plain, page["Items"])
            if (limit is not None and len(items) >= limit) or "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        if limit is not None:
            items = items[:limit]
        return [history_entry(i) for i in reversed(items)]

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
                    Item=attrs(history_item(entry)),
                    ConditionExpression="attribute_not_exists(sk)",
                )
                return entry
            except ClientError as exc:
                if not conditional_failed(exc):
                    raise
                seq += 1
        raise MigrationError("could not append to the migration history after 20 attempts")

    # -- control items ------------------------------------------------------------------------
    def _flag(self, key: Mapping[str, str]) -> ControlFlag:
        return control_flag(self._get(key))

    def control(self) -> tuple[ControlFlag, ControlFlag]:
        """(pause, rollback request) in one consistent read: the baking loop asks every tick."""
        items = self.db.query(
            TableName=self.table,
            KeyConditionExpression="pk = :c",
            ExpressionAttributeValues=attrs({":c": "control"}),
            ConsistentRead=True,
        )["Items"]
        by_key = {str(i["sk"]): i for i in map(plain, items)}
        return control_flag(by_key.get(PAUSE_KEY["sk"])), control_flag(by_key.get(ROLLBACK_KEY["sk"]))

    def _set_flag(self, key: Mapping[str, str], active: bool, reason: str) -> None:
        item = {
            **key,
            "active": active,
            "reason": reason,
            "by": self.owner,
            "time": self.clock.now().isoformat(),
        }
        self.db.put_item(TableName=self.table, Item=attrs(item))

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
                Key=attrs(ROLLBACK_KEY),
                UpdateExpression="SET active = :f, taken_by = :me",
                ConditionExpression="active = :t",
                ExpressionAttributeValues=attrs({":f": False, ":t": True, ":me": self.owner}),
            )
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
            return None
        return flag
