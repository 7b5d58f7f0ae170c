"""The README's settings reference, generated from `tap.settings.specs()`.

The settings groups' fields are the single source: key (the field's alias), default, allowed
values (the field kind's own words, the same text a settings error prints) and description.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import Any

from tap.markdown_table import table
from tap.settings import NAMESPACE, SettingSpec, specs


def format_default(value: Any) -> str:
    """A default as it would be written in Pulumi.<stack>.yaml."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, tuple):
        return "`" + json.dumps(list(value)) + "`"
    if value == "":
        return '`""` (empty)'
    return f"`{value}`"


def _row(spec: SettingSpec) -> list[str]:
    return [f"`{NAMESPACE}:{spec.key}`", format_default(spec.default), spec.allowed, spec.doc]


def render() -> str:
    """Markdown: one table per settings group, in declaration order."""
    groups: dict[str, list[SettingSpec]] = {}
    for spec in specs():
        groups.setdefault(spec.group, []).append(spec)
    parts = []
    for group, items in groups.items():
        title = group.replace("_", " ")
        parts.append(
            f"#### {title}\n\n"
            + table(["key", "default", "allowed", "what it does"], [_row(s) for s in items])
        )
    return "\n".join(parts)


def disagreements(markdown: str) -> list[str]:
    """Where a settings reference in `markdown` and the settings object disagree: keys missing
    or unknown, and defaults or allowed values that differ. Empty means they agree."""
    from tap.markdown_table import cell

    rows: dict[str, list[str]] = {}
    for line in markdown.splitlines():
        if not line.startswith(f"| `{NAMESPACE}:"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        rows[cells[0].strip("`").split(":", 1)[1]] = cells
    problems = []
    expected = {s.key: s for s in specs()}
    for key in sorted(set(expected) - set(rows)):
        problems.append(f"{key}: missing from the reference")
    for key in sorted(set(rows) - set(expected)):
        problems.append(f"{key}: documented but not a setting")
    for key in sorted(set(rows) & set(expected)):
        spec, cells = expected[key], rows[key]
        if cells[1] != format_default(spec.default):
            problems.append(f"{key}: default {cells[1]} but the code says {format_default(spec.default)}")
        if cells[2] != cell(spec.allowed):
            problems.append(f"{key}: allowed {cells[2]!r} but the code says {spec.allowed!r}")
    return problems
