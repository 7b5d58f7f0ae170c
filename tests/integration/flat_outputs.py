"""Reading a deployment's outputs in the live suite, decoded by tap.outputs.codec (the codec
`tap.live` and `tap.migration` read with): `tap outputs --flat` and `pulumi stack output --json`
give the same values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tap.outputs.codec import decode, flatten, parse_document


class MissingOutput(LookupError):
    """A check needs an output the deployment does not have (or has as null)."""


@dataclass(frozen=True)
class FlatOutputs:
    values: Mapping[str, Any]
    """As given: flat strings, or native JSON values."""
    source: str
    _decoded: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_decoded", {k: decode(k, v) for k, v in self.values.items()})

    @classmethod
    def load(cls, path: Path) -> FlatOutputs:
        return cls(parse_document(path.read_text(encoding="utf-8"), str(path)), str(path))

    def has(self, key: str) -> bool:
        return self._decoded.get(key) not in (None, "")

    def missing(self, keys: tuple[str, ...]) -> list[str]:
        return [k for k in keys if not self.has(k)]

    def decoded(self, key: str) -> Any:
        """The output's value, typed as StackOutputs declares it."""
        if not self.has(key):
            raise MissingOutput(f"output {key!r} is absent or null in {self.source}")
        return self._decoded[key]

    def text(self, key: str) -> str:
        """The output as the flat form writes it (an id stays itself; 3306 is "3306")."""
        return flatten({key: self.decoded(key)})[key]

    def items(self, key: str) -> list[str]:
        value = self.decoded(key)
        if not isinstance(value, list):
            raise MissingOutput(f"output {key!r} is not a list in {self.source}: {value!r}")
        return [str(v) for v in value]

    def number(self, key: str) -> float:
        return float(self.decoded(key))
