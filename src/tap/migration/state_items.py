"""The controller's DynamoDB items (hash `pk`, range `sk`): their keys, the records they hold,
and the codec between the two.

- pk=`lock`,    sk=`controller`        owner, lease_until (epoch s): one controller at a time
- pk=`history`, sk=`{seq:010d}`        one transition event each; written with
                                       attribute_not_exists, so history is never overwritten
- pk=`control`, sk=`pause`             paused flag, reason, who, when
- pk=`control`, sk=`rollback-request`  a pending rollback request; the baking controller checks
                                       it every tick, so a rollback always wins

Items go through boto3's TypeSerializer/TypeDeserializer (strings S, numbers N, flags BOOL);
gates and extra are JSON text in an S attribute, so any field a later version adds to them
needs no schema change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from tap.jsonable import fields_json

if TYPE_CHECKING:
    from types_boto3_dynamodb.type_defs import AttributeValueTypeDef

LOCK_KEY = {"pk": "lock", "sk": "controller"}
PAUSE_KEY = {"pk": "control", "sk": "pause"}
ROLLBACK_KEY = {"pk": "control", "sk": "rollback-request"}

_TO_DYNAMO, _FROM_DYNAMO = TypeSerializer(), TypeDeserializer()


def attrs(values: Mapping[str, Any]) -> dict[str, AttributeValueTypeDef]:
    """Plain values -> DynamoDB attribute values (also for keys and ExpressionAttributeValues)."""
    return {k: _TO_DYNAMO.serialize(v) for k, v in values.items()}


def plain(item: Mapping[str, Any]) -> dict[str, Any]:
    """A DynamoDB item -> plain values (numbers arrive as Decimal)."""
    return {k: _FROM_DYNAMO.deserialize(v) for k, v in item.items()}


def conditional_failed(exc: ClientError) -> bool:
    """The write lost a race (its ConditionExpression did not hold), as opposed to failing."""
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


def history_entry(item: dict[str, Any]) -> HistoryEntry:
    """A history item (plain values) read back."""
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


def history_item(entry: HistoryEntry) -> dict[str, Any]:
    """What `history_entry` reads back: sk the zero-padded seq (sorts as text), gates and extra
    JSON."""
    stored = fields_json(entry, rename={"from_phase": "from", "to_phase": "to"}, omit=("seq",))
    stored["gates"] = json.dumps(entry.gates, sort_keys=True, default=str)
    stored["extra"] = json.dumps(entry.extra, sort_keys=True, default=str)
    return {"pk": "history", "sk": f"{entry.seq:010d}", **stored}


@dataclass(frozen=True)
class ControlFlag:
    active: bool
    reason: str = ""
    by: str = ""
    time: str = ""


def control_flag(item: dict[str, Any] | None) -> ControlFlag:
    """A control item (plain values) read back; no item is an inactive flag."""
    if not item:
        return ControlFlag(False)
    return ControlFlag(bool(item["active"]), item["reason"], item["by"], item["time"])
