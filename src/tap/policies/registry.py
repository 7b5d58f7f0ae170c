"""Every rule, in one list. The CrossGuard pack, `tap verify`, `tap plan` and
docs/policies.md all read this list, so a rule added here is enforced everywhere."""

from __future__ import annotations

from tap.policies import (
    audit_logs,
    backup,
    compute,
    data_tier,
    database,
    deployability,
    deployability_stack,
    dns,
    encryption,
    iam,
    load_balancer,
    log_archive,
    monitoring,
    names,
    network,
    relationships,
    rollback_guard,
    secrets,
    storage,
)
from tap.policies.controls import DEVIATIONS
from tap.policies.rules import ResourceRule, StackRule

RESOURCE_RULES: tuple[ResourceRule, ...] = (
    *network.RULES,
    *compute.RULES,
    # The production database's rules do not apply to the seed replica (see data_tier).
    *(data_tier.production_only(r) for r in database.RULES),
    *data_tier.RULES,
    *storage.RULES,
    *iam.RULES,
    *encryption.RULES,
    *load_balancer.RULES,
    *dns.RULES,
    *monitoring.RULES,
    *secrets.RULES,
    *deployability.RULES,
    *names.RULES,
    *audit_logs.RULES,
    *log_archive.RULES,
    *backup.RULES,
    *rollback_guard.RULES,
)

STACK_RULES: tuple[StackRule, ...] = (
    *network.STACK_RULES,
    *database.STACK_RULES,
    *storage.STACK_RULES,
    *load_balancer.STACK_RULES,
    *dns.STACK_RULES,
    *relationships.STACK_RULES,
    *deployability_stack.STACK_RULES,
    *audit_logs.STACK_RULES,
    *log_archive.STACK_RULES,
    *backup.STACK_RULES,
    *data_tier.STACK_RULES,
    *rollback_guard.STACK_RULES,
)

ALL_RULES: tuple[ResourceRule | StackRule, ...] = (*RESOURCE_RULES, *STACK_RULES)


def rule_named(name: str) -> ResourceRule | StackRule:
    for rule in ALL_RULES:
        if rule.name == name:
            return rule
    raise KeyError(name)


def _controls(rule: ResourceRule | StackRule) -> str:
    return ", ".join(c.id for c in rule.controls)


def reference_markdown() -> str:
    """docs/policies.md, generated from the registry (a test keeps the file in step)."""
    lines = [
        "# Policy rules",
        "",
        "Generated from `tap.policies.registry` by `python -m tap.docs --write`; do not edit by hand.",
        "Every rule runs in `pulumi preview --policy-pack policy` (mandatory) and offline in",
        "`tap verify` and `tap plan`.",
        "",
        f"{len(RESOURCE_RULES)} resource rules and {len(STACK_RULES)} stack rules.",
        "",
        "## Resource rules",
        "",
        "| rule | spec | applies to | what it requires | evidences (tap.policies.controls) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in RESOURCE_RULES:
        types = ", ".join(sorted(x.rsplit(":", 1)[-1] if x != "*" else "every resource" for x in r.types))
        lines.append(f"| `{r.name}` | {r.spec} | {types} | {r.description} | {_controls(r)} |")
    lines += [
        "",
        "## Stack rules",
        "",
        "| rule | spec | what it requires | evidences |",
        "| --- | --- | --- | --- |",
    ]
    for s in STACK_RULES:
        lines.append(f"| `{s.name}` | {s.spec} | {s.description} | {_controls(s)} |")
    lines += ["", "## Deliberate deviations", "", "| deviation | controls | why |", "| --- | --- | --- |"]
    lines += [f"| {d.what} | {', '.join(d.controls)} | {d.reason} |" for d in DEVIATIONS]
    return "\n".join(lines) + "\n"
