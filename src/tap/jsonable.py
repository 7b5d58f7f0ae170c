"""The JSON form of a result record that only restates its dataclass fields.

Such an `as_json` is `fields_json(self)`, declaring the keys that differ from the field names
(`rename`) and the fields left out (`omit`); an `as_json` that computes something (a verdict, a
total, a grouping the fields do not have) builds its dict by hand. Values become JSON the same
way everywhere: an enum is its value, a record with `as_json` its JSON, tuples are lists.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import fields
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "as_json"):
        return value.as_json()
    if isinstance(value, Mapping):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def fields_json(
    record: DataclassInstance, *, rename: Mapping[str, str] | None = None, omit: Collection[str] = ()
) -> dict[str, Any]:
    """{key: value} for every field of `record` in declaration order, keyed by the field's name
    or its `rename`, without the `omit` fields."""
    names = rename or {}
    return {
        names.get(f.name, f.name): json_value(getattr(record, f.name))
        for f in fields(record)
        if f.name not in omit
    }
