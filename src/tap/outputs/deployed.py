"""A deployed stack's outputs as its readers take them: decoded by the codec (codec.py), with
each kind of read (a required string, an optional one, a list of names, a port) defined once.

tap.live's checks read through `FlatOutputs` (tap.live.outputs), tap.migration's controller
and `tap db` through `Deployment` (tap.migration.deployment); both derive from this, and differ
only in the error they raise (their command's input error, exit 2 either way) and in the named
reads the controller adds on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

from tap.errors import TapError
from tap.outputs.codec import OutputsFormatError, read_file, unflatten


@dataclass(frozen=True)
class DeployedOutputs:
    values: Mapping[str, Any]
    """Decoded by each output's declared type (tap.outputs.contract)."""
    source: str = "outputs"
    """Where they came from, for messages: a file name, or what produced them."""

    error: ClassVar[type[TapError]] = OutputsFormatError
    """What a read that the outputs cannot satisfy raises."""

    @classmethod
    def from_file(cls, path: Path) -> Self:
        """Refuses the offline plan's outputs (tap.provenance) and files that are not an object."""
        try:
            return cls(read_file(path), str(path))
        except OutputsFormatError as exc:
            raise cls.error(str(exc)) from None

    @classmethod
    def from_flat(cls, flat: Mapping[str, Any], source: str = "outputs") -> Self:
        """From the flat form (or `pulumi stack output --json`), decoded."""
        return cls(unflatten(flat), source)

    def text(self, key: str) -> str:
        """A string output that must be present and non-empty."""
        value = self.values.get(key)
        if not isinstance(value, str) or not value:
            raise self.error(f"output {key!r} in {self.source} must be a non-empty string, got {value!r}")
        return value

    def optional(self, key: str) -> str | None:
        """A string output that may be absent or null (e.g. no production database before
        `snapshot`)."""
        value = self.values.get(key)
        return value if isinstance(value, str) and value else None

    def strings(self, key: str) -> tuple[str, ...]:
        """A list-of-names output; absent or empty is no names."""
        value = self.values.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"output {key!r} in {self.source} must be a list of names, got {value!r}")
        return tuple(value)

    def port(self, key: str) -> int | None:
        """A port-number output; absent or null is None."""
        value = self.values.get(key)
        if isinstance(value, bool) or value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            message = f"output {key!r} in {self.source} must be a port number, got {value!r}"
            raise self.error(message) from None
