"""Deployability rules that need more than one resource (SPEC R20): traffic only reaches a
target group with capacity, and an HTTPS listener only ever carries a validated certificate."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.policies.props import UNKNOWN, is_unknown, items, number
from tap.policies.rules import Report, Resource, Stack, stack_rule


def _known(v: object) -> float | None:
    """A number, or None when it is unset or not known yet."""
    n = number(v)
    return n if isinstance(n, float) else None


def _forward_weights(listener: Resource) -> list[tuple[Any, float | None]]:
    """(target group ARN, weight) of every forward action of a listener."""
    found: list[tuple[Any, float | None]] = []
    for action in items(listener.get("defaultActions")):
        if not isinstance(action, dict):
            continue
        forward = action.get("forward")
        groups = items(forward.get("targetGroups")) if isinstance(forward, dict) else []
        for tg in groups:
            if isinstance(tg, dict):
                found.append((tg.get("arn"), _known(tg.get("weight"))))
        if not groups and action.get("targetGroupArn") is not None:
            found.append((action.get("targetGroupArn"), 1.0))
    return found


def _capacity(stack: Stack, tg_arn: Any) -> float | None:
    """The largest desired capacity (capped by max size) of the ASGs registering into a target
    group: 0 when none does, None while one is not known."""
    best = 0.0
    for asg in stack.of_type(t.ASG):
        arns = items(asg.get("targetGroupArns"))
        if UNKNOWN in arns:
            return None
        if tg_arn not in arns:
            continue
        if is_unknown(asg.get("desiredCapacity")) or is_unknown(asg.get("maxSize")):
            return None
        desired, high = _known(asg.get("desiredCapacity")) or 0.0, _known(asg.get("maxSize")) or 0.0
        best = max(best, min(desired, high))
    return best


def _dns_weights_to(stack: Stack, lb: Resource) -> list[tuple[Resource, float | None]]:
    dns = str(lb.get("dnsName") or "").lower().rstrip(".")
    found = []
    for record in stack.of_type(t.ROUTE53_RECORD):
        for alias in items(record.get("aliases")):
            if isinstance(alias, dict) and str(alias.get("name") or "").lower().rstrip(".") == dns and dns:
                policies = items(record.get("weightedRoutingPolicies"))
                w = _known(policies[0].get("weight")) if policies and isinstance(policies[0], dict) else None
                found.append((record, w))
    return found


@stack_rule(
    "traffic-only-to-capacity",
    "A listener gives weight only to target groups whose Auto Scaling group has capacity; when "
    "none of its groups has any, no weighted DNS record sends traffic to its load balancer.",
    "R20, R7.3",
)
def traffic_only_to_capacity(stack: Stack, report: Report) -> None:
    for listener in stack.of_type(*t.LISTENERS):
        weights = _forward_weights(listener)
        if not weights or any(arn is UNKNOWN or is_unknown(arn) for arn, _ in weights):
            continue
        capacities = {arn: _capacity(stack, arn) for arn, _ in weights}
        if any(c is None for c in capacities.values()):
            continue
        if all(c == 0 for c in capacities.values()):
            lb = stack.find(listener.get("loadBalancerArn"), *t.LOAD_BALANCERS)
            for record, w in _dns_weights_to(stack, lb) if lb else []:
                if w is not None and w > 0:
                    report(
                        f"{record.label} sends weight {w:g} to {lb.label if lb else 'a load balancer'}, "
                        f"whose listener {listener.name!r} has no target group with capacity (503s)",
                        record.urn,
                    )
            continue
        for arn, w in weights:
            if w is not None and w > 0 and capacities[arn] == 0:
                tg = stack.find(arn, *t.TARGET_GROUPS)
                report(
                    f"{listener.label} gives weight {w:g} to {tg.label if tg else arn}, which no "
                    "Auto Scaling group with capacity serves: those requests get 503s",
                    listener.urn,
                )


@stack_rule(
    "listener-certificate-validated",
    "An HTTPS listener using a certificate this stack requests waits for its validation (takes "
    "the ARN from, or depends on, the certificate validation): never a pending certificate.",
    "R20, R7.2",
)
def listener_certificate_validated(stack: Stack, report: Report) -> None:
    requested = {c.get("arn"): c for c in stack.of_type(t.ACM_CERTIFICATE) if isinstance(c.get("arn"), str)}
    validations = {v.urn: v for v in stack.of_type(t.ACM_VALIDATION)}
    for listener in stack.of_type(*t.LISTENERS):
        arn = listener.get("certificateArn")
        if arn not in requested:
            continue  # an existing certificate (tap preflight checks its status) or not known yet
        waited = [
            v
            for urn, v in validations.items()
            if urn in listener.dependencies and v.get("certificateArn") == arn
        ]
        if not waited:
            report(
                f"{listener.label} uses certificate {arn} without depending on its validation: "
                "the listener would be created with a certificate still pending validation",
                listener.urn,
            )


STACK_RULES = [traffic_only_to_capacity, listener_certificate_validated]
