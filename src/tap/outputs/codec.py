"""The flat form of the stack outputs, both ways, typed by `StackOutputs`.

`flatten` writes what CI tools read from cfn-outputs/flat-outputs.json (`tap outputs --flat`):
strings stay strings, every other value is JSON-encoded. `unflatten` reads that form back, and
`pulumi stack output --json` (native JSON types) as well, by each output's declared type: a
string output stays a string even when it looks like a number, a number output ("3306") becomes
3306, a null-able output's "null" becomes None. Every reader (tap.live, tap.migration, the live
tests) decodes through here, so no two of them can disagree on a value. Keys the contract does
not declare, such as the provenance mark (tap.provenance), pass through unchanged both ways.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tap.errors import TapError
from tap.outputs.contract import TYPES
from tap.provenance import refuse_offline


class OutputsFormatError(TapError, ValueError):
    """An outputs file or value the flat form cannot hold or read."""

    exit_code = 2


@dataclass(frozen=True)
class _Kind:
    text: bool
    """The declared type includes str: the flat value is the string itself."""
    nullable: bool


def _kind(hint: Any) -> _Kind:
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    members = typing.get_args(hint) if union else (hint,)
    return _Kind(text=str in members, nullable=type(None) in members)


_KINDS: dict[str, _Kind] = {name: _kind(hint) for name, hint in TYPES.items()}


def _encode(key: str, value: Any) -> str:
    if not isinstance(value, str):
        return json.dumps(value, sort_keys=True)
    kind = _KINDS.get(key)
    if kind is not None and kind.nullable and value == "null":
        raise OutputsFormatError(
            f"output {key!r} is the string 'null', which its flat form cannot tell from no value"
        )
    return value


def flatten(outputs: Mapping[str, Any]) -> dict[str, str]:
    """The flat form, keys sorted: strings as they are, every other value JSON-encoded."""
    return {k: _encode(k, v) for k, v in sorted(outputs.items())}


def decode(key: str, value: Any) -> Any:
    """One output's value from its flat (or native JSON) form, by its declared type."""
    kind = _KINDS.get(key)
    if not isinstance(value, str) or kind is None:
        return value  # native JSON (`pulumi stack output --json`), or a key tap does not define
    if kind.text:
        return None if kind.nullable and value == "null" else value
    try:
        return json.loads(value)
    except ValueError:
        return value  # not what the contract says: the reader that needs it names the key


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Every output decoded by its declared type (the inverse of `flatten`)."""
    return {k: decode(k, v) for k, v in flat.items()}


def parse_document(text: str, source: str) -> dict[str, Any]:
    """A JSON object of output name -> value, as a file or standard input holds it."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise OutputsFormatError(f"cannot read outputs from {source}: {exc}") from None
    if not isinstance(data, dict):
        raise OutputsFormatError(f"{source}: expected a JSON object of output name -> value")
    return data


def read_file(path: Path) -> dict[str, Any]:
    """A deployed stack's outputs from `path`, decoded; refuses the offline plan's (provenance)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OutputsFormatError(
            f"outputs file {path} not found; write it with `pulumi stack output --json > {path}` "
            "or name another file with --outputs"
        ) from None
    except OSError as exc:
        raise OutputsFormatError(f"cannot read outputs from {path}: {exc.strerror or exc}") from None
    data = parse_document(text, str(path))
    refuse_offline(data, str(path))
    return unflatten(data)
