"""tap.jsonable: the JSON form records share (field order, renames, omissions, value forms)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from tap.jsonable import fields_json
from tap.migration.gates import GateResult, Verdict
from tap.replication.position import Position


class Colour(StrEnum):
    BLUE = "blue"


@dataclass(frozen=True)
class Inner:
    n: int

    def as_json(self) -> dict[str, int]:
        return {"count": self.n}


@dataclass(frozen=True)
class Outer:
    name: str
    colour: Colour
    inner: Inner
    items: tuple[Inner, ...] = ()
    notes: dict[str, Colour] = field(default_factory=dict)
    hidden: str = "secret"


def test_fields_json_renames_omits_and_converts_values_in_field_order() -> None:
    rec = Outer("x", Colour.BLUE, Inner(1), (Inner(2), Inner(3)), {"k": Colour.BLUE})
    out = fields_json(rec, rename={"name": "label"}, omit=("hidden",))
    assert list(out) == ["label", "colour", "inner", "items", "notes"]
    assert out == {
        "label": "x",
        "colour": "blue",
        "inner": {"count": 1},
        "items": [{"count": 2}, {"count": 3}],
        "notes": {"k": "blue"},
    }
    assert type(out["colour"]) is str  # the enum's value, not the enum


def test_records_keep_their_documented_keys() -> None:
    gate = GateResult("alarms", Verdict.FAIL, "5xx alarm in ALARM", {"alarm": "prod-green-5xx"})
    assert gate.as_json() == {
        "gate": "alarms",
        "verdict": "fail",
        "detail": "5xx alarm in ALARM",
        "values": {"alarm": "prod-green-5xx"},
    }
    pos = Position.of("mysql-bin-changelog.012345", 4)
    assert pos.as_json() == {"file": "mysql-bin-changelog.012345", "position": 4}
    assert Position.from_json(json.loads(json.dumps(pos.as_json()))) == pos
