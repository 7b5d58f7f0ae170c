"""The stack's flat outputs: strings stay strings; lists, numbers, booleans and null arrive
JSON-encoded (`tap outputs --flat`, `pulumi stack output --json`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tap.live.errors import LiveReadError
from tap.provenance import refuse_offline


def _decode(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # `pulumi stack output --json` keeps native JSON types
    text = value.strip()
    if text[:1] in "[{" or text in ("null", "true", "false"):
        try:
            return json.loads(text)
        except ValueError:
            return value
    return value


@dataclass(frozen=True)
class FlatOutputs:
    source: str
    values: Mapping[str, Any]

    def require(self, key: str) -> str:
        """A string output that must be present and non-null."""
        v = self.values.get(key)
        if not isinstance(v, str) or not v:
            raise LiveReadError(
                f"{self.source} has no {key!r} (got {v!r}); it must hold the deployed stack's {key}"
            )
        return v

    def optional(self, key: str) -> str | None:
        """A string output that may be null (e.g. no production database before `snapshot`)."""
        v = self.values.get(key)
        return v if isinstance(v, str) and v else None

    def strings(self, key: str) -> list[str]:
        v = self.values.get(key)
        if v is None:
            return []
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            return list(v)
        raise LiveReadError(f"{self.source} key {key!r} should be a list of strings, got {v!r}")


def parse_outputs(data: Mapping[str, Any], source: str = "outputs") -> FlatOutputs:
    return FlatOutputs(source=source, values={k: _decode(v) for k, v in data.items()})


def load_outputs(path: Path) -> FlatOutputs:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise LiveReadError(f"cannot read flat outputs from {path}: {exc}") from None
    if not isinstance(data, dict):
        raise LiveReadError(f"{path} must hold a JSON object of output name -> value")
    refuse_offline(data, str(path))
    return parse_outputs(data, source=str(path))
