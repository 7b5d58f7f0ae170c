"""Reading numbers and booleans from plan and provider values, one way everywhere.

The mock engine hands numbers over as floats (8080.0) and some providers as strings ("20");
some boolean inputs arrive as the strings "true"/"false" (e.g. a launch template's
`ebs.encrypted`). The cost estimate, the diagram, the rules (through `tap.props`,
which adds the preview's unknown values) and the emulator seeding all read them through here.
"""

from __future__ import annotations

import math
from typing import Any


def maybe_number(value: Any) -> float | None:
    """The number `value` holds (int, float or numeric string), or None (bools are not numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def number(value: Any, default: float) -> float:
    """The number `value` holds, or `default` when it holds none."""
    found = maybe_number(value)
    return default if found is None else found


def integer(value: Any, default: int = 0) -> int:
    """The whole number `value` holds (8080.0 -> 8080, "3" -> 3), or `default`."""
    found = maybe_number(value)
    return default if found is None or not math.isfinite(found) else int(found)


def flag(value: Any) -> bool | None:
    """A boolean given as bool or as the string "true"/"false"; None stays None (not set)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)
