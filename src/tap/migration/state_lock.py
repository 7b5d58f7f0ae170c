"""The controller's lock: a lease in the state table that one controller (or `tap db`) holds at
a time, taken, renewed and released with conditional writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from tap.migration.clock import Clock
from tap.migration.errors import LockHeld
from tap.migration.state_items import LOCK_KEY, attrs, conditional_failed, plain

if TYPE_CHECKING:
    from types_boto3_dynamodb.client import DynamoDBClient


class LeaseLock:
    """The lock item of `table`, held as `owner` for `lease_seconds` at a time."""

    def __init__(
        self, dynamodb: DynamoDBClient, table: str, owner: str, clock: Clock, lease_seconds: int = 120
    ):
        self.db = dynamodb
        self.table = table
        self.owner = owner
        self.clock = clock
        self.lease_seconds = lease_seconds

    def _epoch(self) -> int:
        return int(self.clock.now().timestamp())

    def _get(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        item = self.db.get_item(TableName=self.table, Key=attrs(key), ConsistentRead=True).get("Item")
        return plain(item) if item else None

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
                Item=attrs(
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
                ExpressionAttributeValues=attrs({":now": now, ":me": self.owner}),
            )
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
            holder = self.lock_holder()
            if holder is None:  # expired between our write and the read: try once more
                return self.acquire()
            raise LockHeld(*holder) from None

    def renew(self) -> None:
        """Extend our lease; fails loudly if someone took it over (our lease had lapsed)."""
        try:
            self._set_lease_if_ours(self._epoch() + self.lease_seconds)
        except ClientError as exc:
            if not conditional_failed(exc):
                raise
            holder = self.lock_holder()
            raise LockHeld(*(holder or ("nobody", 0))) from None

    def release(self) -> None:
        """End our lease (the item stays: expiring it is enough, and nothing is deleted)."""
        try:
            self._set_lease_if_ours(0)
        except ClientError as exc:
            if not conditional_failed(exc):
                raise

    def _set_lease_if_ours(self, until: int) -> None:
        self.db.update_item(
            TableName=self.table,
            Key=attrs(LOCK_KEY),
            UpdateExpression="SET lease_until = :until",
            ConditionExpression="#o = :me",
            ExpressionAttributeNames={"#o": "owner"},
            ExpressionAttributeValues=attrs({":until": until, ":me": self.owner}),
        )
