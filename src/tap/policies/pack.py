"""The pulumi_policy objects for the CrossGuard pack, built from the registry.

Building the policies is cheap and side-effect free; only `PolicyPack(...)` starts the gRPC
server the Pulumi CLI talks to, and that happens in policy/__main__.py alone."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ResourceValidationPolicy,
    StackValidationPolicy,
)

from tap.policies.registry import RESOURCE_RULES, STACK_RULES

PACK_NAME = "tap-security"
PACK_DESCRIPTION = "Security rules of the tap payment stack (SPEC R2-R5, R7, R9): mandatory."


def build_policies() -> list[Policy]:
    policies: list[Policy] = []
    for rule in RESOURCE_RULES:
        policies.append(
            ResourceValidationPolicy(
                name=rule.name,
                description=f"{rule.description} ({rule.spec})",
                validate=rule.validate,
                enforcement_level=EnforcementLevel.MANDATORY,
            )
        )
    for stack_rule in STACK_RULES:
        policies.append(
            StackValidationPolicy(
                name=stack_rule.name,
                description=f"{stack_rule.description} ({stack_rule.spec})",
                validate=stack_rule.validate,
                enforcement_level=EnforcementLevel.MANDATORY,
            )
        )
    return policies
