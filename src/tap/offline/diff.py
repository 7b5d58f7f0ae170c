"""What changes between two plans (e.g. two phases): resources added, removed or updated
(with the input paths that differ), and stack outputs that differ."""

from __future__ import annotations

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


def _walk(path: str, old: Any, new: Any) -> list[FieldChange]:
    if isinstance(old, dict) and isinstance(new, dict):
        changes = []
        for key in sorted(set(old) | set(new), key=str):
            sub = f"{path}.{key}" if path else str(key)
            changes += _walk(sub, old.get(key, _MISSING), new.get(key, _MISSING))
        return changes
    if old == new:
        return []
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
                if f.path.split(".", 1)[0] not in ignored
            ]
            if fields:
                changes.append(ResourceChange("update", *key, fields=tuple(fields)))
    outputs = _walk("", old.outputs, new.outputs)
    return PlanDiff(resources=tuple(changes), outputs=tuple(outputs))
