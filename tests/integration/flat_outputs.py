"""Reading a deployment's flat outputs (`tap outputs --flat`, `pulumi stack output --json`):
strings stay strings; lists, numbers, booleans and null are JSON-encoded strings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class MissingOutput(LookupError):
    """A check needs an output the deployment does not have (or has as null)."""


@dataclass(frozen=True)
class FlatOutputs:
    values: Mapping[str, str]
    source: str

    @classmethod
    def load(cls, path: Path) -> FlatOutputs:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object of output name -> value")
        return cls({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, str(path))

    def has(self, key: str) -> bool:
        return key in self.values and self.values[key] not in ("null", "")

    def missing(self, keys: tuple[str, ...]) -> list[str]:
        return [k for k in keys if not self.has(k)]

    def text(self, key: str) -> str:
        if not self.has(key):
            raise MissingOutput(f"output {key!r} is absent or null in {self.source}")
        return self.values[key]

    def decoded(self, key: str) -> Any:
        """A JSON-encoded output (list, number, boolean) as its Python value."""
        raw = self.text(key)
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw

    def items(self, key: str) -> list[str]:
        value = self.decoded(key)
        if not isinstance(value, list):
            raise MissingOutput(f"output {key!r} is not a list in {self.source}: {value!r}")
        return [str(v) for v in value]

    def number(self, key: str) -> float:
        return float(self.decoded(key))
