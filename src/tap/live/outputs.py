"""The deployed stack's outputs as the live checks read them, decoded by tap.outputs.codec
(`tap outputs --flat` or `pulumi stack output --json`: the same values either way)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tap.live.errors import LiveReadError
from tap.outputs.codec import read_file, unflatten


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
    return FlatOutputs(source=source, values=unflatten(data))


def load_outputs(path: Path) -> FlatOutputs:
    """Refuses the offline plan's outputs (tap.provenance) and files that are not an object."""
    return FlatOutputs(source=str(path), values=read_file(path))
