"""The deployed phase, as the stack itself records it.

Phase-dependent rules read the stack's own phase parameter (an SSM parameter whose name ends
with `/migration/phase` and whose value is the JSON phase document) and ask the phase machine
what that phase means. They never compare phase names and never read `Pulumi.*.yaml`.
"""

from __future__ import annotations

import json

from tap import aws_types as t
from tap.errors import PhaseError
from tap.phase_plan import Capacity, FleetSizes, PhasePlan, plan_for
from tap.phases import parse_phase
from tap.policies.rules import Stack
from tap.props import UNKNOWN

PHASE_PARAMETER_SUFFIX = "/migration/phase"

# The rules ask only about weights, the dev record and Multi-AZ, none of which depend on fleet
# sizes; `plan_for` needs sizes, so it gets the smallest valid ones.
_SIZES_NOT_ASKED = FleetSizes(green_active=Capacity(min=0, max=0, desired=0), blue_standby_max=0)


def phase_parameter_name_unknown(stack: Stack) -> bool:
    """Some parameter's name is not known yet (preview): it may be the phase parameter."""
    return any(p.get("name") is UNKNOWN for p in stack.of_type(t.SSM_PARAMETER))


def stack_phase_plan(stack: Stack) -> PhasePlan | None:
    """The phase plan of the phase the stack's parameter records, or None when the stack has
    no phase parameter or its value is not known yet (preview)."""
    for p in stack.of_type(t.SSM_PARAMETER):
        name = p.get("name")
        if not (isinstance(name, str) and name.endswith(PHASE_PARAMETER_SUFFIX)):
            continue
        raw = p.get("insecureValue")
        if raw is None:
            raw = p.get("value")
        if not isinstance(raw, str):
            return None
        try:
            doc = json.loads(raw)
            return plan_for(parse_phase(str(doc["phase"])), _SIZES_NOT_ASKED)
        except (ValueError, KeyError, TypeError, PhaseError):
            return None
    return None
