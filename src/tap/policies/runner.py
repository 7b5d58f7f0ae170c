"""Runs the rules on a rendered plan (or on resources read from AWS), presenting each resource
with the attributes pulumi_policy's own arguments have, so the rules run unchanged.

Resource rules see what `pulumi preview` would analyse: every registered custom resource
(inputs), not the ones the program only reads. Stack rules see every resource with its
outputs, its parent, dependencies and provider, as `AnalyzeStack` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tap.components.timeouts import duration_seconds
from tap.offline.plan import Plan, PlannedResource
from tap.policies.registry import RESOURCE_RULES, STACK_RULES
from tap.policies.rules import ResourceRule, StackRule

STACK = "(stack)"


@dataclass(frozen=True)
class CustomTimeouts:
    """Mirrors `pulumi_policy.PolicyCustomTimeouts` (seconds; 0 means the provider default)."""

    create_seconds: float = 0.0
    update_seconds: float = 0.0
    delete_seconds: float = 0.0


@dataclass(frozen=True)
class ResourceOptions:
    """The part of `pulumi_policy.PolicyResourceOptions` the rules read."""

    custom_timeouts: CustomTimeouts = field(default_factory=CustomTimeouts)


@dataclass(frozen=True)
class ProviderResource:
    """Mirrors `pulumi_policy.PolicyProviderResource` (its props are the provider's inputs)."""

    resource_type: str
    props: Mapping[str, Any]
    urn: str
    name: str


@dataclass(frozen=True)
class ResourceArgs:
    """Mirrors `pulumi_policy.ResourceValidationArgs`. `opts` and `provider` are None where the
    caller cannot know them (resources read from AWS by `tap verify --live`)."""

    resource_type: str
    props: Mapping[str, Any]
    urn: str
    name: str
    opts: ResourceOptions | None = None
    provider: ProviderResource | None = None


@dataclass
class StackResource:
    """Mirrors `pulumi_policy.PolicyResource`."""

    resource_type: str
    props: Mapping[str, Any]
    urn: str
    name: str
    provider: str
    parent: StackResource | None = None
    dependencies: list[StackResource] = field(default_factory=list)


@dataclass(frozen=True)
class StackArgs:
    """Mirrors `pulumi_policy.StackValidationArgs`."""

    resources: Sequence[StackResource]


@dataclass(frozen=True)
class Finding:
    rule: str
    resource: str
    passed: bool
    message: str = ""


@dataclass(frozen=True)
class PolicyReport:
    findings: tuple[Finding, ...]
    rules: tuple[str, ...]

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.passed)

    @property
    def ok(self) -> bool:
        return not self.violations

    def failed_rules(self) -> tuple[str, ...]:
        return tuple(r for r in self.rules if any(f.rule == r for f in self.violations))

    def by_rule(self) -> dict[str, tuple[int, int]]:
        """rule -> (passed checks, failed checks)."""
        counts = {r: [0, 0] for r in self.rules}
        for f in self.findings:
            counts[f.rule][0 if f.passed else 1] += 1
        return {r: (c[0], c[1]) for r, c in counts.items()}

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rules": len(self.rules),
            "rules_failed": list(self.failed_rules()),
            "checks_passed": sum(1 for f in self.findings if f.passed),
            "checks_failed": len(self.violations),
            "violations": [
                {"rule": f.rule, "resource": f.resource, "message": f.message} for f in self.violations
            ],
        }


def options_of(r: PlannedResource) -> ResourceOptions:
    t = {op: duration_seconds(text) for op, text in r.custom_timeouts.items()}
    return ResourceOptions(CustomTimeouts(t.get("create", 0.0), t.get("update", 0.0), t.get("delete", 0.0)))


def resource_args(r: PlannedResource, providers: Mapping[str, PlannedResource] | None = None) -> ResourceArgs:
    prov = (providers or {}).get(r.provider)
    provider = (
        ProviderResource(resource_type=prov.type, props=prov.inputs, urn=prov.urn, name=prov.name)
        if prov is not None
        else None
    )
    return ResourceArgs(
        resource_type=r.type, props=r.inputs, urn=r.urn, name=r.name, opts=options_of(r), provider=provider
    )


def stack_args(resources: Iterable[PlannedResource]) -> StackArgs:
    planned = list(resources)
    views = {
        r.urn: StackResource(
            resource_type=r.type, props=r.outputs, urn=r.urn, name=r.name, provider=r.provider
        )
        for r in planned
    }
    for r in planned:
        view = views[r.urn]
        view.parent = views.get(r.parent)
        view.dependencies = [views[d] for d in r.dependencies if d in views]
    return StackArgs(resources=list(views.values()))


def analysed(plan: Plan) -> list[PlannedResource]:
    """The resources `pulumi preview` hands to resource policies: registered custom resources."""
    return [r for r in plan.resources if r.custom and not r.read]


def _label(args: ResourceArgs) -> str:
    return f"{args.resource_type.rsplit(':', 1)[-1]} {args.name}"


def run_resource_rules(
    items: Iterable[ResourceArgs], rules: Sequence[ResourceRule] = RESOURCE_RULES
) -> list[Finding]:
    findings: list[Finding] = []
    for args in items:
        for rule in rules:
            if not rule.applies_to(args.resource_type):
                continue
            reported: list[tuple[str, str | None]] = []
            rule.validate(args, _collector(reported))
            label = _label(args)
            if reported:
                findings.extend(Finding(rule.name, label, False, m) for m, _urn in reported)
            else:
                findings.append(Finding(rule.name, label, True))
    return findings


def run_stack_rules(args: StackArgs, rules: Sequence[StackRule] = STACK_RULES) -> list[Finding]:
    labels = {r.urn: f"{r.resource_type.rsplit(':', 1)[-1]} {r.name}" for r in args.resources}
    findings: list[Finding] = []
    for rule in rules:
        reported: list[tuple[str, str | None]] = []
        rule.validate(args, _collector(reported))
        if reported:
            findings.extend(Finding(rule.name, labels.get(urn or "", STACK), False, m) for m, urn in reported)
        else:
            findings.append(Finding(rule.name, STACK, True))
    return findings


def _collector(reported: list[tuple[str, str | None]]) -> Callable[..., None]:
    """A `report_violation` that keeps what it is given (pulumi_policy's signature)."""

    def report_violation(message: str, urn: str | None = None) -> None:
        reported.append((message, urn))

    return report_violation


def check_plan(
    plan: Plan,
    resource_rules: Sequence[ResourceRule] = RESOURCE_RULES,
    stack_rules: Sequence[StackRule] = STACK_RULES,
) -> PolicyReport:
    """Every rule on a rendered plan."""
    providers = {r.urn: r for r in plan.resources if r.is_provider}
    findings = run_resource_rules((resource_args(r, providers) for r in analysed(plan)), resource_rules)
    findings += run_stack_rules(stack_args(plan.resources), stack_rules)
    names = tuple(r.name for r in resource_rules) + tuple(s.name for s in stack_rules)
    return PolicyReport(findings=tuple(findings), rules=names)
