"""Monthly cost of one phase's plan, line by line, from a registry of per-concern entries.

Each line names the plan quantity it counted (e.g. "3 x NAT gateway") so a reader can check it
against `tap plan`. Usage-driven lines take the phase's traffic share from the Route53 weights
in the plan (the weighted records), not from the phase name. `COSTS` lists every entry in report
order (like `RULES` in tap.policies): a resource kind the stack adds is priced by adding one.
"""

from __future__ import annotations

from tap import aws_types as t
from tap.cost import data, services, traffic
from tap.cost.assumptions import Assumptions
from tap.cost.model import COMPONENTS, Basis, Cost, Estimate, Line
from tap.cost.prices import PriceTable
from tap.offline.plan import Plan
from tap.values import number

__all__ = ["COMPONENTS", "COSTS", "Estimate", "Line", "estimate", "green_share"]

COSTS: tuple[Cost, ...] = (*traffic.COSTS, *data.COSTS, *services.COSTS)


def green_share(plan: Plan) -> float:
    """Share of app traffic on the production ALB, read from the plan's weighted records.

    A weighted record that aliases a load balancer the stack owns is production; the other
    (the dev endpoint) is not. No weighted records means no traffic to prod.
    """
    lb_names = {str(lb.outputs.get("dnsName", "")) for lb in plan.of_type(t.LOAD_BALANCER)}
    records = plan.of_type(t.ROUTE53_RECORD)
    prod = total = 0.0
    for rec in records:
        policies = rec.get("weightedRoutingPolicies") or []
        if not policies:
            continue
        weight = number(policies[0].get("weight"), 0.0)
        total += weight
        if any(str(a.get("name", "")) in lb_names for a in rec.get("aliases") or []):
            prod += weight
    if total == 0:
        # A single (non-weighted) alias to the ALB, as after the dev record is removed.
        aliased = any(str(a.get("name", "")) in lb_names for rec in records for a in rec.get("aliases") or [])
        return 1.0 if aliased else 0.0
    return prod / total


def estimate(plan: Plan, prices: PriceTable, assume: Assumptions) -> Estimate:
    basis = Basis(plan, prices, assume, green_share(plan))
    lines = tuple(line for cost in COSTS for line in cost(basis))
    return Estimate(plan.phase.value, lines, basis.share)
