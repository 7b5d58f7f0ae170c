"""Route53 (SPEC R8.2, R11.2): records that carry traffic have a TTL of at most 60 s, weights
are never all 0, and the weights (and the dev record) are what the phase machine says for the
phase the stack records."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.policies.phase import stack_phase_plan
from tap.policies.props import UNKNOWN, Unknown, number
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule

MAX_TTL = 60


@resource_rule(
    "dns-ttl-60",
    "Non-alias records have a TTL of at most 60 s, so a weight change or rollback takes effect "
    "within a minute (alias records follow their target's TTL).",
    "R8.2",
    t.ROUTE53_RECORD,
)
def ttl_at_most_60(r: Resource, report: Report) -> None:
    aliases = r.get("aliases")
    # An alias built inside an `apply` is wholly unknown on the first preview (UNKNOWN is falsy).
    if aliases is UNKNOWN or aliases:
        return
    ttl = number(r.get("ttl"))
    if isinstance(ttl, Unknown):
        return
    if ttl is None or ttl > MAX_TTL:
        report(f"{r.label} has TTL {ttl if ttl is not None else 'unset'}; at most {MAX_TTL} s")


def _weight(r: Resource) -> Any:
    policies = r.get("weightedRoutingPolicies")
    if policies is UNKNOWN:
        return UNKNOWN
    if isinstance(policies, list) and policies and isinstance(policies[0], dict):
        return number(policies[0].get("weight"))
    return None


def weighted_groups(stack: Stack) -> dict[tuple[Any, Any], list[Resource]]:
    """Weighted records by (name, type); empty while any weighted record's name or type is not
    known yet, since it may belong to any group."""
    groups: dict[tuple[Any, Any], list[Resource]] = {}
    for r in stack.of_type(t.ROUTE53_RECORD):
        if _weight(r) is not None:
            key = (r.get("name"), r.get("type"))
            if UNKNOWN in key:
                return {}
            groups.setdefault(key, []).append(r)
    return groups


@stack_rule(
    "dns-weights-never-all-zero",
    "The weighted records of a name are never all 0 (Route53 would then split evenly).",
    "R8.2",
)
def never_all_zero(stack: Stack, report: Report) -> None:
    for (name, _typ), records in weighted_groups(stack).items():
        weights = [_weight(r) for r in records]
        if UNKNOWN in weights:
            continue
        if all(w == 0 for w in weights):
            report(
                f"every weighted record of {name!r} has weight 0 ({', '.join(r.name for r in records)})",
                records[0].urn,
            )


def _points_at_stack_lb(record: Resource, lb_dns: set[str]) -> bool:
    for alias in record.get("aliases") or []:
        name = alias.get("name") if isinstance(alias, dict) else None
        if isinstance(name, str) and name.rstrip(".").lower().removeprefix("dualstack.") in lb_dns:
            return True
    return False


@stack_rule(
    "dns-weights-match-phase",
    "The record aliasing this stack's load balancer carries the green weight of the recorded "
    "phase; the other record carries the blue weight, and exists only while the phase keeps it.",
    "R8.2, R11.2",
)
def weights_match_phase(stack: Stack, report: Report) -> None:
    phase_plan = stack_phase_plan(stack)
    if phase_plan is None:
        return
    lb_dns = {
        str(lb.get("dnsName")).lower()
        for lb in stack.of_type(*t.LOAD_BALANCERS)
        if isinstance(lb.get("dnsName"), str)
    }
    if not lb_dns:
        return
    phase = phase_plan.phase.value
    for (name, _typ), records in weighted_groups(stack).items():
        green = [r for r in records if _points_at_stack_lb(r, lb_dns)]
        if not green:
            continue
        blue = [r for r in records if r not in green]
        for r in green:
            w = _weight(r)
            if w is not UNKNOWN and w != phase_plan.weights.green:
                report(
                    f"{r.label} has weight {w}; phase {phase!r} gives green {phase_plan.weights.green}", r.urn
                )
        if not phase_plan.dev_record and blue:
            report(
                f"{', '.join(r.label for r in blue)} still exist(s) for {name!r}; "
                f"phase {phase!r} removes the dev record"
            )
        for r in blue if phase_plan.dev_record else []:
            w = _weight(r)
            if w is not UNKNOWN and w != phase_plan.weights.blue:
                report(
                    f"{r.label} has weight {w}; phase {phase!r} gives blue {phase_plan.weights.blue}", r.urn
                )
        if phase_plan.dev_record and not blue:
            report(f"{name!r} has no dev record, but phase {phase!r} keeps it")


RULES = [ttl_at_most_60]
STACK_RULES = [never_all_zero, weights_match_phase]
