"""What changes between two plans (two phases, or two settings files): resources added, removed
or updated, with only the paths that differ, and stack outputs that differ.

Like `terraform plan`, nested documents are diffed structurally: a JSON string (IAM policy,
dashboard body) is parsed and walked, list items are matched by content, multi-line or base64
text (user data) is shown as the changed lines; numbers are shown as written (3, not 3.0)."""

from __future__ import annotations

import base64
import binascii
import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from tap.offline.plan import Plan, PlannedResource


@dataclass(frozen=True)
class FieldChange:
    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ResourceChange:
    kind: str  # "add" | "remove" | "update"
    type: str
    name: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class PlanDiff:
    resources: tuple[ResourceChange, ...]
    outputs: tuple[FieldChange, ...]

    @property
    def empty(self) -> bool:
        return not self.resources and not self.outputs

    def counts(self) -> dict[str, int]:
        out = {"add": 0, "remove": 0, "update": 0}
        for c in self.resources:
            out[c.kind] += 1
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "resources": [
                {
                    "kind": c.kind,
                    "type": c.type,
                    "name": c.name,
                    "fields": [{"path": f.path, "old": f.old, "new": f.new} for f in c.fields],
                }
                for c in self.resources
            ],
            "outputs": [{"name": f.path, "old": f.old, "new": f.new} for f in self.outputs],
        }


_MISSING = object()


def as_written(value: Any) -> Any:
    """Numbers as the user wrote them: the engine carries every number as a float (protobuf),
    so a desired capacity of 3 arrives as 3.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: as_written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_written(v) for v in value]
    return value


def _json_document(value: Any) -> Any:
    """A string holding a JSON object or array (IAM policies, dashboard bodies), parsed."""
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return _MISSING
    return _MISSING


def _text(value: Any) -> str | None:
    """A multi-line text (a script), or one carried base64-encoded (EC2 user data)."""
    if not isinstance(value, str):
        return None
    if "\n" in value:
        return value
    if len(value) >= 16 and len(value) % 4 == 0:
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded if "\n" in decoded else None
    return None


def _lines(path: str, old: str, new: str) -> list[FieldChange]:
    """Changed line ranges only, each named by its first line number in the new text."""
    a, b = old.splitlines(), new.splitlines()
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            changes.append(
                FieldChange(f"{path} line {j1 + 1}", "\n".join(a[i1:i2]) or None, "\n".join(b[j1:j2]) or None)
            )
    return changes


def _walk_list(path: str, old: list[Any], new: list[Any]) -> list[FieldChange]:
    """Items matched by content, so one statement added to a policy is one change, not a shift
    of every statement after it."""
    keys = [json.dumps(x, sort_keys=True) for x in old], [json.dumps(x, sort_keys=True) for x in new]
    changes: list[FieldChange] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=keys[0], b=keys[1], autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                changes += _walk(f"{path}[{j1 + k}]", old[i1 + k], new[j1 + k])
            continue
        changes += [FieldChange(f"{path}[{i}]", old[i], None) for i in range(i1, i2)]
        changes += [FieldChange(f"{path}[{j}]", None, new[j]) for j in range(j1, j2)]
    return changes


def _walk(path: str, old: Any, new: Any) -> list[FieldChange]:
    old, new = as_written(old), as_written(new)
    if isinstance(old, dict) and isinstance(new, dict):
        changes = []
        for key in sorted(set(old) | set(new), key=str):
            sub = f"{path}.{key}" if path else str(key)
            changes += _walk(sub, old.get(key, _MISSING), new.get(key, _MISSING))
        return changes
    if old == new:
        return []
    if isinstance(old, list) and isinstance(new, list):
        return _walk_list(path, old, new)
    old_doc, new_doc = _json_document(old), _json_document(new)
    if old_doc is not _MISSING and new_doc is not _MISSING:
        return _walk(path, old_doc, new_doc)
    old_text, new_text = _text(old), _text(new)
    if old_text is not None and new_text is not None:
        return _lines(path, old_text, new_text)
    return [FieldChange(path, None if old is _MISSING else old, None if new is _MISSING else new)]


def _key(r: PlannedResource) -> tuple[str, str]:
    return (r.type, r.name)


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    before = {_key(r): r for r in old.managed}
    after = {_key(r): r for r in new.managed}
    changes: list[ResourceChange] = []
    for key in sorted(set(before) | set(after)):
        if key not in before:
            changes.append(ResourceChange("add", *key))
        elif key not in after:
            changes.append(ResourceChange("remove", *key))
        else:
            # Like the engine: inputs under `ignore_changes` never produce an update (the
            # writer record's target belongs to `tap db` once it exists).
            ignored = set(after[key].ignore_changes)
            fields = [
                f
                for f in _walk("", before[key].inputs, after[key].inputs)
                if re.split(r"[.\[]", f.path, maxsplit=1)[0] not in ignored
            ]
            if fields:
                changes.append(ResourceChange("update", *key, fields=tuple(fields)))
    outputs = _walk("", old.outputs, new.outputs)
    return PlanDiff(resources=tuple(changes), outputs=tuple(outputs))
