"""What a rule is, independent of who runs it.

A rule is a plain function plus its metadata. The CrossGuard pack (`tap.policies.pack`) wraps
each one in a `pulumi_policy` policy; `tap verify` and `tap plan` run the same function through
`tap.policies.runner` on a rendered plan. The arguments a rule reads are the attributes
pulumi_policy's own argument objects have, so neither caller needs a translation layer inside
the rule:

- resource rules see `resource_type`, `props` (the inputs, camelCase), `urn` and `name`;
- stack rules see `resources`, each with `resource_type`, `props` (the outputs), `urn`, `name`,
  `parent`, `dependencies` and `provider`.

A rule reports each problem through `report(message)`; the message names the resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tap.policies.controls import Control, controls_of
from tap.props import plain, value


class ResourceArgs(Protocol):
    """The attributes of `pulumi_policy.ResourceValidationArgs` a rule may read."""

    @property
    def resource_type(self) -> str: ...
    @property
    def props(self) -> Mapping[str, Any]: ...
    @property
    def urn(self) -> str: ...
    @property
    def name(self) -> str: ...


class StackResource(ResourceArgs, Protocol):
    """The attributes of `pulumi_policy.PolicyResource` a stack rule may read: the same four."""


class StackArgs(Protocol):
    """The attribute of `pulumi_policy.StackValidationArgs` a stack rule reads."""

    @property
    def resources(self) -> Sequence[Any]: ...


class Report(Protocol):
    """How a rule reports a problem: a message naming the resource, and (from stack rules)
    the URN of the resource at fault, so `pulumi preview` shows it against that resource."""

    def __call__(self, message: str, urn: str | None = None, /) -> None: ...


# A resource rule listing this type applies to every resource.
ANY_TYPE = "*"
ResourceCheck = Callable[["Resource", Report], None]
StackCheck = Callable[["Stack", Report], None]


@dataclass(frozen=True)
class Resource:
    """One resource as a rule sees it: its type, name, URN and props as plain data, with
    unknown preview values replaced by `UNKNOWN`."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]
    timeouts: Mapping[str, float] | None = None
    """Custom timeouts in seconds by operation (0: the provider default); None when the caller
    cannot know the resource's options (a resource read from AWS)."""
    provider_region: str | None = None
    """The region of the resource's explicit provider, when the caller knows it."""
    dependencies: tuple[str, ...] = ()
    """URNs of the resources this one depends on (stack rules only)."""

    def get(self, *path: str | int) -> Any:
        return value(self.props, *path)

    @property
    def label(self) -> str:
        return f"{self.type.rsplit(':', 1)[-1]} {self.name!r}"

    @property
    def physical_ids(self) -> frozenset[str]:
        """Every identifier another resource may use to refer to this one."""
        found = set()
        for key in ("id", "arn", "name", "bucket", "keyId"):
            v = self.get(key)
            if isinstance(v, str) and v:
                found.add(v)
        return frozenset(found)


def _timeouts(args: Any) -> dict[str, float] | None:
    timeouts = getattr(getattr(args, "opts", None), "custom_timeouts", None)
    if timeouts is None:
        return None
    return {
        op: float(getattr(timeouts, f"{op}_seconds", 0.0) or 0.0) for op in ("create", "update", "delete")
    }


def _provider_region(args: Any) -> str | None:
    provider = getattr(args, "provider", None)
    if provider is None:
        return None
    region = value(getattr(provider, "props", None), "region")
    return region if isinstance(region, str) and region else None


def as_resource(args: Any) -> Resource:
    props = plain(args.props)
    return Resource(
        type=str(args.resource_type),
        name=str(args.name),
        urn=str(args.urn),
        props=props if isinstance(props, dict) else {},
        timeouts=_timeouts(args),
        provider_region=_provider_region(args),
        dependencies=tuple(str(d.urn) for d in getattr(args, "dependencies", None) or ()),
    )


@dataclass(frozen=True)
class Stack:
    """Every resource of the stack (including ones it only reads), in registration order."""

    resources: tuple[Resource, ...]

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def find(self, ref: Any, *types: str) -> Resource | None:
        """The resource of one of `types` that `ref` (an id, ARN or name) points at."""
        if not isinstance(ref, str) or not ref:
            return None
        for r in self.of_type(*types):
            if ref in r.physical_ids:
                return r
        return None

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)


def as_stack(args: StackArgs) -> Stack:
    return Stack(resources=tuple(as_resource(r) for r in args.resources))


@dataclass(frozen=True)
class ResourceRule:
    """A check of one resource at a time, for the resource types it lists."""

    name: str
    description: str
    spec: str
    types: frozenset[str]
    check: ResourceCheck

    @property
    def controls(self) -> tuple[Control, ...]:
        """The FSBP controls and PCI DSS requirements this rule evidences (tap.policies.controls)."""
        return controls_of(self.name)

    def applies_to(self, resource_type: str) -> bool:
        return ANY_TYPE in self.types or resource_type in self.types

    def validate(self, args: ResourceArgs, report_violation: Callable[..., None]) -> None:
        """pulumi_policy's validation callback signature."""
        if not self.applies_to(args.resource_type):
            return
        resource = as_resource(args)

        def report(message: str, urn: str | None = None, /) -> None:
            report_violation(message, None)  # the engine ties it to the resource analysed

        self.check(resource, report)


@dataclass(frozen=True)
class StackRule:
    """A check of relationships across the whole stack."""

    name: str
    description: str
    spec: str
    check: StackCheck

    @property
    def controls(self) -> tuple[Control, ...]:
        """The FSBP controls and PCI DSS requirements this rule evidences (tap.policies.controls)."""
        return controls_of(self.name)

    def validate(self, args: StackArgs, report_violation: Callable[..., None]) -> None:
        """pulumi_policy's stack validation callback signature. Violations name the
        resource in their message (and carry its URN when there is one)."""
        stack = as_stack(args)

        def report(message: str, urn: str | None = None, /) -> None:
            report_violation(message, urn)

        self.check(stack, report)


def resource_rule(
    name: str, description: str, spec: str, *types: str
) -> Callable[[ResourceCheck], ResourceRule]:
    """Decorator: turns `def check(resource, report)` into a registered-ready rule."""

    def wrap(fn: ResourceCheck) -> ResourceRule:
        return ResourceRule(name=name, description=description, spec=spec, types=frozenset(types), check=fn)

    return wrap


def stack_rule(name: str, description: str, spec: str) -> Callable[[StackCheck], StackRule]:
    def wrap(fn: StackCheck) -> StackRule:
        return StackRule(name=name, description=description, spec=spec, check=fn)

    return wrap
