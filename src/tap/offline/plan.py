"""What an offline render produced: every resource with its inputs, outputs and options, and
the resolved stack outputs. Tests, policies, diffs and the reachability model read this."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tap.phases import Phase
from tap.settings import Settings


@dataclass(frozen=True)
class PlannedResource:
    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str
    custom: bool
    provider: str
    protect: bool
    read: bool
    retain_on_delete: bool
    dependencies: tuple[str, ...]
    ignore_changes: tuple[str, ...] = field(default=())
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    """Operation ("create", "update", "delete") -> Go duration string, as registered."""

    @property
    def is_component(self) -> bool:
        return not self.custom

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    @property
    def is_managed(self) -> bool:
        """A resource this program creates and owns (not a component, provider or read)."""
        return self.custom and not self.read and not self.is_provider

    def get(self, key: str, default: Any = None) -> Any:
        return self.inputs.get(key, default)


@dataclass(frozen=True)
class Plan:
    settings: Settings
    resources: tuple[PlannedResource, ...]
    outputs: dict[str, Any]

    @property
    def phase(self) -> Phase:
        return self.settings.core.migration_phase

    @property
    def managed(self) -> tuple[PlannedResource, ...]:
        return tuple(r for r in self.resources if r.is_managed)

    def of_type(self, typ: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == typ and not r.is_provider]

    def one(self, typ: str, name: str | None = None) -> PlannedResource:
        found = [r for r in self.of_type(typ) if name is None or r.name == name]
        if len(found) != 1:
            raise LookupError(f"expected one {typ} named {name!r}, found {len(found)}")
        return found[0]

    def by_urn(self, urn: str) -> PlannedResource:
        for r in self.resources:
            if r.urn == urn:
                return r
        raise LookupError(urn)

    def by_id(self, rid: str) -> PlannedResource:
        found = [r for r in self.resources if r.id == rid and r.custom]
        if len(found) != 1:
            raise LookupError(f"expected one resource with id {rid!r}, found {len(found)}")
        return found[0]

    def by_arn(self, arn: str) -> PlannedResource:
        found = [r for r in self.resources if r.outputs.get("arn") == arn and r.custom]
        if len(found) != 1:
            raise LookupError(f"expected one resource with arn {arn!r}, found {len(found)}")
        return found[0]

    def component_of(self, resource: PlannedResource) -> str:
        """The name of the top-level component (child of TapStack) that owns a resource."""
        index = {r.urn: r for r in self.resources}
        chain = []
        urn = resource.parent
        while urn in index:
            parent = index[urn]
            chain.append(parent)
            urn = parent.parent
        # chain ends with TapStack; the component is the one just below it
        return chain[-2].name if len(chain) >= 2 else (chain[-1].name if chain else "stack")

    def by_component(self) -> dict[str, list[PlannedResource]]:
        groups: dict[str, list[PlannedResource]] = {}
        for r in self.managed:
            groups.setdefault(self.component_of(r), []).append(r)
        for r in self.resources:
            if r.read:
                groups.setdefault("read (not managed)", []).append(r)
        return groups

    def type_counts(self) -> Counter[str]:
        return Counter(r.type for r in self.managed)
