"""Every rule, in one list. The CrossGuard pack, `tap verify`, `tap plan` and
docs/policies.md all read this list, so a rule added here is enforced everywhere."""

from __future__ import annotations

from tap.policies import (
    compute,
    database,
    dns,
    encryption,
    iam,
    load_balancer,
    monitoring,
    network,
    relationships,
    rollback_guard,
    secrets,
    storage,
)
from tap.policies.rules import ResourceRule, StackRule

RESOURCE_RULES: tuple[ResourceRule, ...] = (
    *network.RULES,
    *compute.RULES,
    *database.RULES,
    *storage.RULES,
    *iam.RULES,
    *encryption.RULES,
    *load_balancer.RULES,
    *dns.RULES,
    *monitoring.RULES,
    *secrets.RULES,
    *rollback_guard.RULES,
)

STACK_RULES: tuple[StackRule, ...] = (
    *network.STACK_RULES,
    *database.STACK_RULES,
    *storage.STACK_RULES,
    *load_balancer.STACK_RULES,
    *dns.STACK_RULES,
    *relationships.STACK_RULES,
    *rollback_guard.STACK_RULES,
)

ALL_RULES: tuple[ResourceRule | StackRule, ...] = (*RESOURCE_RULES, *STACK_RULES)


def rule_named(name: str) -> ResourceRule | StackRule:
    for rule in ALL_RULES:
        if rule.name == name:
            return rule
    raise KeyError(name)


def reference_markdown() -> str:
    """docs/policies.md, generated from the registry (a test keeps the file in step)."""
    lines = [
        "# Policy rules",
        "",
        "Generated from `tap.policies.registry` by `python -m tap.policies.docs`; do not edit by hand.",
        "Every rule runs in `pulumi preview --policy-pack policy` (mandatory) and offline in",
        "`tap verify` and `tap plan`.",
        "",
        f"{len(RESOURCE_RULES)} resource rules and {len(STACK_RULES)} stack rules.",
        "",
        "## Resource rules",
        "",
        "| rule | spec | applies to | what it requires |",
        "| --- | --- | --- | --- |",
    ]
    for r in RESOURCE_RULES:
        types = ", ".join(sorted(x.rsplit(":", 1)[-1] if x != "*" else "every resource" for x in r.types))
        lines.append(f"| `{r.name}` | {r.spec} | {types} | {r.description} |")
    lines += ["", "## Stack rules", "", "| rule | spec | what it requires |", "| --- | --- | --- |"]
    for s in STACK_RULES:
        lines.append(f"| `{s.name}` | {s.spec} | {s.description} |")
    return "\n".join(lines) + "\n"
