"""The deployed stack's outputs as the live checks read them (tap.outputs.deployed: the same
decoding and the same typed reads as the controller's), failing as the live reader's error."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from tap.errors import TapError
from tap.live.errors import LiveReadError
from tap.outputs.deployed import DeployedOutputs


class FlatOutputs(DeployedOutputs):
    error: ClassVar[type[TapError]] = LiveReadError


def parse_outputs(data: Mapping[str, Any], source: str = "outputs") -> FlatOutputs:
    return FlatOutputs.from_flat(data, source)


def load_outputs(path: Path) -> FlatOutputs:
    """Refuses the offline plan's outputs (tap.provenance) and files that are not an object."""
    return FlatOutputs.from_file(path)
