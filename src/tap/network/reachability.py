"""Who can reach whom on the network (SPEC R14.2).

The questions (from the internet, between members, to the internet) and the expected matrix,
asked of the one network model (`tap.network.model`: subnets, routes, NAT gateways, security
groups, where the load balancer, fleets and database sit). The model is built from the offline
plan (`tap.network.plan.from_plan`) or from a deployed stack read through boto3
(`tap.network.live.from_described`); the questions are the same for both.

The answers are about the network layer: routing plus security groups, both directions
(security groups are stateful, so replies need no rule). Network ACLs are not modelled; this
stack leaves them at the VPC default (allow all). An ACL can only take reachability away, so
ignoring them may make a "yes" optimistic but never makes a "no" wrong: on a deployed stack with
custom ACLs a "yes" means "routes and security groups allow it". Where the model cannot see the far end (a
route to a peering connection or transit gateway, a rule naming a prefix list) it assumes the
worst, so a "no" in the matrix is always a proof.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tap.network.model import (
    ALB,
    APP,
    DB,
    DEV_APP,
    DEV_DB,
    INTERNET_PEER,
    NetworkModel,
    Peer,
    Placement,
    Route,
    Target,
)

# A host elsewhere in the VPC, in none of the stack's groups, with unrestricted egress: what a
# compromised or misplaced instance could reach.
INTERNET = "internet"
OTHER = "vpc-other"
LABELS = {
    INTERNET: "internet",
    ALB: "ALB",
    APP: "app",
    DB: "DB",
    OTHER: "other VPC host",
    DEV_APP: "dev app",
    DEV_DB: "dev DB",
}


# ---- the questions ----------------------------------------------------------------------------
YES, NO = "yes", "no"
VIA_NAT, DIRECT = "via NAT", "direct (IGW)"
VIA_NAT_OTHER_AZ = "via NAT in another AZ"
ABSENT = "absent"


def _combine(answers: list[str]) -> str:
    distinct = sorted(set(answers))
    if not distinct:
        return ABSENT
    return distinct[0] if len(distinct) == 1 else "mixed: " + ", ".join(distinct)


def from_internet(model: NetworkModel, dest: str, port: int) -> str:
    """Can a host on the internet open a connection to `dest` on `port`?"""
    answers = []
    for p in model.placements.get(dest, []):
        for subnet in p.subnet_ids:
            routed = p.public_address and model.subnet_is_public(subnet)
            answers.append(YES if routed and model.ingress_allows(p, port, INTERNET_PEER) else NO)
    return _combine(answers)


def between(model: NetworkModel, source: str, dest: str, port: int) -> str:
    """Can `source` open a connection to `dest` on `port` inside the VPC (local routing)?"""
    answers = []
    dests = model.placements.get(dest, [])
    sources = model.placements.get(source, [])
    if source == OTHER:
        # Any host in any of the VPC's subnets, in no group this stack manages.
        other = Peer(cidrs=(model.vpc_cidr, *model.subnet_cidrs.values()))
        return _combine([YES if model.ingress_allows(d, port, other) else NO for d in dests])
    for s in sources:
        for d in dests:
            ok = model.egress_allows(s, port, model.peer(d)) and model.ingress_allows(d, port, model.peer(s))
            # One answer per source subnet: can a host there reach any of the destination's?
            for a in s.subnet_ids or ("",):
                routed = any(model.routed(a, b) for b in d.subnet_ids) if a else True
                answers.append(YES if ok and routed else NO)
    return _combine(answers)


def to_internet(model: NetworkModel, source: str, port: int) -> str:
    """How `source` reaches the internet on `port`: via a NAT gateway, directly through the
    internet gateway (only with a public address), or not at all."""
    answers: list[str] = []
    for p in model.placements.get(source, []):
        if not model.egress_allows(p, port, INTERNET_PEER):
            answers.extend(NO for _ in p.subnet_ids)
            continue
        for subnet in p.subnet_ids:
            routes = model.internet_routes(subnet)
            answers.extend(_route_answer(model, p, subnet, route) for route in routes)
            if not routes:
                answers.append(NO)
    return _combine(answers)


def _route_answer(model: NetworkModel, p: Placement, subnet: str, route: Route) -> str:
    if route.target == Target.IGW:
        # Without a public address the internet gateway drops the traffic.
        return DIRECT if p.public_address else NO
    if route.target == Target.NAT:
        nat_subnet = model.nat_subnet.get(route.target_id, "")
        if not model.subnet_is_public(nat_subnet):
            return NO
        here, there = model.subnet_az.get(subnet), model.subnet_az.get(nat_subnet)
        # R1.2: a NAT in another AZ works until that AZ fails, then takes this one's egress too.
        return VIA_NAT_OTHER_AZ if here and there and here != there else VIA_NAT
    # A peering connection, transit gateway, endpoint or interface: the far side is not in the
    # model, so the answer names it instead of claiming "no".
    return f"via {route.target_id or 'an unmodelled target'} (not modelled)"


@dataclass(frozen=True)
class Cell:
    source: str
    dest: str
    port: int
    expected: str
    actual: str

    @property
    def ok(self) -> bool:
        return self.actual == self.expected

    @property
    def question(self) -> str:
        return f"{LABELS[self.source]} -> {LABELS[self.dest]}:{self.port}"

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.dest,
            "port": self.port,
            "expected": self.expected,
            "actual": self.actual,
            "ok": self.ok,
        }


# (source, dest, port, expected). The app reaches AWS APIs on 443 through its AZ's NAT gateway.
EXPECTED: tuple[tuple[str, str, int, str], ...] = (
    (INTERNET, ALB, 443, YES),
    (INTERNET, ALB, 80, NO),
    (INTERNET, APP, 8080, NO),
    (INTERNET, DB, 3306, NO),
    (ALB, APP, 8080, YES),
    (APP, DB, 3306, YES),
    (ALB, DB, 3306, NO),
    (OTHER, APP, 8080, NO),
    (OTHER, DB, 3306, NO),
    (APP, INTERNET, 443, VIA_NAT),
    (DB, INTERNET, 443, NO),
    # The path from dev (issue 10): dev's app writes to prod's MySQL through the writer name;
    # the two databases replicate both ways; nothing else in prod is reachable from dev.
    (DEV_APP, DB, 3306, YES),
    (DEV_APP, APP, 8080, NO),
    (DEV_APP, ALB, 443, NO),
    (DB, DEV_DB, 3306, YES),
    (DEV_DB, DB, 3306, YES),
    (DEV_DB, APP, 8080, NO),
)


def answer(model: NetworkModel, source: str, dest: str, port: int) -> str:
    if source == INTERNET:
        return from_internet(model, dest, port)
    if dest == INTERNET:
        return to_internet(model, source, port)
    return between(model, source, dest, port)


def matrix(model: NetworkModel, required: Iterable[str] = (ALB, APP)) -> list[Cell]:
    """Every expected cell. A cell whose endpoint the stack does not have (the production
    database before the restore) is skipped, unless that endpoint is `required`."""
    must = set(required)
    cells = []
    for source, dest, port, expected in EXPECTED:
        absent = [e for e in (source, dest) if e not in (INTERNET, OTHER) and not model.placements.get(e)]
        if absent and not (set(absent) & must):
            continue
        actual = ABSENT if absent else answer(model, source, dest, port)
        cells.append(Cell(source, dest, port, expected, actual))
    return cells
