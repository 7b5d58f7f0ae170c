"""Reading resource properties the way both callers hand them over.

During a real `pulumi preview` the pack receives props wrapped by pulumi_policy's
unknown-checking proxy: reading a value that is not known yet raises `UnknownValueError`, and
nested values may be the engine's "unknown" sentinel strings. Offline, props are plain dicts.
Every validator reads through `value(...)`, so a missing setting comes back as `None` (which the
rule treats as a violation) and an unknown one as `UNKNOWN` (which no rule treats as one: it
will be known, and checked, at `pulumi up`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

from tap import values

_SENTINELS: Final = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


class Unknown:
    """A value the engine will only know after the resources it depends on exist."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown during preview>"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = Unknown()


def is_unknown(v: Any) -> bool:
    return v is UNKNOWN or (isinstance(v, str) and v in _SENTINELS)


def value(props: Any, *path: str | int) -> Any:
    """`props[path[0]][path[1]]...`: None when any step is missing, UNKNOWN when any step is
    not known yet. Never raises."""
    current: Any = props
    for step in path:
        try:
            if is_unknown(current):
                return UNKNOWN
            if isinstance(step, int):
                if not isinstance(current, Sequence) or isinstance(current, str | bytes):
                    return None
                if step >= len(current):
                    return None
                current = current[step]
            else:
                if not isinstance(current, Mapping):
                    return None
                current = current.get(step)
            if current is None:
                return None
        except UnknownValueError:
            return UNKNOWN
    return UNKNOWN if is_unknown(current) else current


def flag(v: Any) -> bool | Unknown | None:
    """A boolean the provider may hand over as bool or as the string "true"/"false"."""
    return v if isinstance(v, Unknown) else values.flag(v)


def number(v: Any) -> float | Unknown | None:
    """A number (the engine sends numbers as floats; some providers send strings)."""
    return v if isinstance(v, Unknown) else values.maybe_number(v)


def document(v: Any) -> dict[str, Any] | Unknown | None:
    """A JSON policy document given as a string (or already parsed)."""
    if isinstance(v, Unknown) or v is None:
        return v
    if isinstance(v, Mapping):
        return plain(v)  # type: ignore[no-any-return]
    if isinstance(v, str):
        try:
            parsed = json.loads(v)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def plain(v: Any) -> Any:
    """A deep copy with proxies unwrapped and unknowns replaced by UNKNOWN (for walking)."""
    try:
        if is_unknown(v):
            return UNKNOWN
        if isinstance(v, Mapping):
            return {str(k): plain(value(v, str(k))) for k in list(v.keys())}
        if isinstance(v, Sequence) and not isinstance(v, str | bytes):
            return [plain(value(v, i)) for i in range(len(v))]
    except UnknownValueError:
        return UNKNOWN
    return v


def items(v: Any) -> list[Any]:
    """The elements of a list-valued property, for rules that collect references: a list not
    known yet becomes `[UNKNOWN]` (so "is UNKNOWN among them?" still answers), anything else
    that is not a list becomes `[]`. (`v or []` would silently drop an unknown: it is falsy.)"""
    if is_unknown(v):
        return [UNKNOWN]
    return list(v) if isinstance(v, list) else []


def aws_managed_key(v: Any) -> bool:
    """A key id or ARN that names an AWS-managed key by its alias (`alias/aws/sns`,
    `arn:aws:kms:...:alias/aws/rds`): encryption is on, but with a key whose policy, rotation
    and grants are AWS's, not the stack's."""
    return isinstance(v, str) and "alias/aws/" in v


def customer_key_problem(v: Any) -> str | None:
    """What is wrong with a KMS key reference that must name the stack's own key, or None when
    it does (or is not known yet, as on a first preview). One judgement for every rule that asks
    "encrypted with our key?", so they cannot disagree about unset keys or AWS-managed aliases."""
    if is_unknown(v):
        return None
    if not (isinstance(v, str) and v):
        return "is unset, so AWS encrypts with its AWS-owned or AWS-managed key, not ours"
    if aws_managed_key(v):
        return f"is the AWS-managed key {v!r}, not ours"
    return None


def as_list(v: Any) -> list[Any]:
    """IAM documents allow a single string where a list is meant."""
    if v is None:
        return []
    if isinstance(v, list):
        return v
    return [v]
