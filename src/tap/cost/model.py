"""What a cost estimate is made of: line items, the estimate of one phase, and the basis every
line is priced from (the plan, the price table, the usage assumptions, the traffic share)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tap.cost.assumptions import Assumptions
from tap.cost.prices import PriceTable
from tap.offline.plan import Plan

GIB_PER_KIB = 1.0 / (1024 * 1024)
SECONDS_PER_HOUR = 3600.0

# Component names, in report order.
COMPONENTS = (
    "network",
    "compute",
    "load balancer",
    "web firewall",
    "database",
    "storage",
    "dns",
    "monitoring",
    "encryption",
    "migration state",
)


@dataclass(frozen=True)
class Line:
    component: str
    item: str
    quantity: str
    monthly_usd: float


@dataclass(frozen=True)
class Basis:
    """What every line is priced from."""

    plan: Plan
    prices: PriceTable
    assume: Assumptions
    share: float
    """Share of requests the plan's weights send to the production ALB (0-1)."""

    @property
    def hours(self) -> float:
        return self.prices.hours

    @property
    def monthly_requests(self) -> float:
        return self.assume.requests_per_second * SECONDS_PER_HOUR * self.hours


Cost = Callable[[Basis], Iterator[Line]]
"""One concern's line items (e.g. the NAT gateways'): a registry entry of `tap.cost.estimate`."""


@dataclass(frozen=True)
class Estimate:
    phase: str
    lines: tuple[Line, ...]
    green_share: float
    """Share of requests the plan's weights send to the production ALB (0-1)."""

    @property
    def total(self) -> float:
        return sum(line.monthly_usd for line in self.lines)

    def by_component(self) -> dict[str, float]:
        totals = dict.fromkeys(COMPONENTS, 0.0)
        for line in self.lines:
            totals[line.component] = totals.get(line.component, 0.0) + line.monthly_usd
        return totals

    def as_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "green_share": self.green_share,
            "total_usd": round(self.total, 2),
            "by_component_usd": {k: round(v, 2) for k, v in self.by_component().items()},
            "lines": [
                {
                    "component": ln.component,
                    "item": ln.item,
                    "quantity": ln.quantity,
                    "monthly_usd": round(ln.monthly_usd, 2),
                }
                for ln in self.lines
            ],
        }
