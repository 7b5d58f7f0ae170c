"""The stack outputs: the typed, described contract (contract.py), its flat form both ways
(codec.py), the typed reads of a deployed stack's outputs (deployed.py), and reading them from
a `TapStack` (collect.py, the only part that imports Pulumi)."""

from __future__ import annotations

from tap.outputs.codec import OutputsFormatError, flatten, unflatten
from tap.outputs.contract import DESCRIPTIONS, TYPES, StackOutputs

__all__ = ["DESCRIPTIONS", "TYPES", "OutputsFormatError", "StackOutputs", "flatten", "unflatten"]
