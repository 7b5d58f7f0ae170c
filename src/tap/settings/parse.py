"""From config values to `Settings`, or a `SettingsError` that lists every problem at once.

pydantic validates the values and runs the cross checks; what it does not do is here: the
did-you-mean for unknown keys, the rule that an absent key whose default its kind refuses is
required, and the translation of pydantic's errors into `Problem`s that name the config key,
echo the value as it was given and say, in the kind's words, what is allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from tap.errors import Problem, SettingsError
from tap.settings.kinds import DETAIL, Items, Kind
from tap.settings.model import CROSS_CHECK, CROSS_CHECK_ERROR, GROUPS, Settings

NAMESPACE = "tap"


@dataclass(frozen=True)
class SettingSpec:
    """One config key, for docs and for the parser."""

    key: str
    group: str
    attr: str
    default: Any
    kind: Kind
    doc: str

    @property
    def allowed(self) -> str:
        return self.kind.allowed


def _spec(group: str, attr: str, info: FieldInfo) -> SettingSpec:
    kind = next(m for m in info.metadata if isinstance(m, Kind))
    return SettingSpec(str(info.validation_alias), group, attr, info.default, kind, info.description or "")


def specs() -> Iterator[SettingSpec]:
    for group, cls in GROUPS.items():
        fields: dict[str, FieldInfo] = cls.__pydantic_fields__  # type: ignore[attr-defined]
        for attr, info in fields.items():
            yield _spec(group, attr, info)


SPECS: dict[str, SettingSpec] = {s.key: s for s in specs()}
KEYS: tuple[str, ...] = tuple(SPECS)
_ADAPTER = TypeAdapter(Settings)


class _Absent:
    def __repr__(self) -> str:
        return "(not set)"


ABSENT: Any = _Absent()


def parse(raw: Mapping[str, object]) -> Settings:
    """Build Settings from config values keyed without the `tap:` prefix.

    Raises SettingsError listing every problem: unknown keys, bad values, and values that are
    each fine but do not fit together (checked only once every key is known and every value
    valid, so that one mistake is not reported again as its consequences).
    """
    unknown = [_unknown(key, raw[key]) for key in raw if key not in SPECS]
    data: dict[str, dict[str, object]] = {group: {} for group in GROUPS}
    for spec in SPECS.values():
        data[spec.group][spec.key] = raw.get(spec.key, spec.default)
    try:
        settings = _ADAPTER.validate_python(data, context={CROSS_CHECK: not unknown})
    except ValidationError as exc:
        raise SettingsError(unknown + _problems(exc, raw)) from None
    if unknown:
        raise SettingsError(unknown)
    return settings


def _unknown(key: str, value: object) -> Problem:
    close = difflib.get_close_matches(key, KEYS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return Problem(key, value, "a known setting" + hint)


def _problems(exc: ValidationError, raw: Mapping[str, object]) -> list[Problem]:
    """One Problem per bad value (per bad item of a list), in pydantic's order: the groups'
    and their fields' order; or the cross checks' problems, in the registry's order."""
    problems: list[Problem] = []
    for error in exc.errors():
        if error["type"] == CROSS_CHECK_ERROR:
            problems += error["ctx"]["problems"]
            continue
        spec = SPECS[str(error["loc"][1])]  # loc: (group, config key[, item index])
        if spec.key in raw:
            problems.append(Problem(spec.key, raw[spec.key], _words(spec, error)))
        else:
            problems.append(Problem(spec.key, ABSENT, "required, " + _words(spec, error)))
    return problems


def _words(spec: SettingSpec, error: ErrorDetails) -> str:
    """The kind's words, with what is known about this value: which item of a list is wrong,
    or what a kind found (a repeat, host bits set, a prefix out of range)."""
    loc, ctx = error["loc"], error.get("ctx", {})
    if isinstance(spec.kind, Items) and len(loc) > 2 and isinstance(loc[2], int):
        words = f"{spec.kind.item.allowed} in every item; {spec.key}[{loc[2]}] is {error['input']!r}"
    else:
        words = spec.allowed
    if error["type"] == DETAIL:
        words += f" ({ctx['detail']})"
    return words
