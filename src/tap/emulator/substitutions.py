"""Plan value -> emulator value: the offline plan's fake ids, ARNs, names and DNS names, each
mapped to what moto assigned when the seeder created the resource."""

from __future__ import annotations

import re
from typing import Any


class Substitutions:
    def __init__(self) -> None:
        self.map: dict[str, str] = {}
        self._regex: re.Pattern[str] | None = None

    def add(self, plan_value: Any, moto_value: Any) -> None:
        if isinstance(plan_value, str) and plan_value and plan_value != moto_value:
            self.map[plan_value] = str(moto_value)
            self._regex = None

    def value(self, value: Any) -> Any:
        """Swap every exact plan string inside `value` (nested lists and dicts too)."""
        if isinstance(value, str):
            return self.map.get(value, value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def text(self, text: str) -> str:
        """Swap plan strings that occur anywhere inside `text` (policies, JSON, suffixes)."""
        if not self.map:
            return text
        if self._regex is None:
            keys = sorted(self.map, key=len, reverse=True)
            self._regex = re.compile("|".join(re.escape(k) for k in keys))
        return self._regex.sub(lambda m: self.map[m.group(0)], text)
