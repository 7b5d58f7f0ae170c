"""The one network model: subnets and the route table each uses, routes and their targets,
gateways, security groups with their rules, and where the members (load balancer, app fleets,
database, dev's fleet and database across the peering) sit.

Adapters fill it: `tap.network.plan` from the offline plan or the stack a rule sees,
`tap.network.live` from boto3 describe results. The stack rules (`tap.policies.relationships`),
the reachability matrix (`tap.network.reachability`) and `tap verify --live` all ask this model,
so "public subnet" and "which groups is a member in" mean one thing everywhere.

**Public subnet.** AWS calls a subnet public when its route table routes to an internet gateway;
the console's wizard adds `0.0.0.0/0`. A route of any public range to an internet gateway makes
instances there reachable from (and able to reach) that range: two `/1` routes expose a subnet
as fully as one `/0`. The model takes that safer reading: a subnet is public when any route of
its table that covers public addresses goes to an internet gateway (`subnet_is_public`). The
fleets-and-database-stay-private rules then flag every subnet the matrix would call reachable.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# The members the model places. Dev's app fleet and database sit in dev's peered VPC (issue 10;
# see tap.network.dev).
ALB, APP, DB = "alb", "app", "db"
DEV_APP, DEV_DB = "dev-app", "dev-db"
DEFAULT_ROUTE = "0.0.0.0/0"
IGW_PREFIX = "igw-"


def is_internet_cidr(cidr: Any) -> bool:
    """A CIDR that includes addresses on the public internet (0.0.0.0/0, ::/0 or any public
    range). Private ranges (RFC 1918, ULA) are not the internet."""
    if not isinstance(cidr, str) or not cidr:
        return False
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return net.prefixlen == 0 or not net.is_private


def overlaps(a_cidr: str, b_cidr: str) -> bool:
    try:
        a, b = ipaddress.ip_network(a_cidr, strict=False), ipaddress.ip_network(b_cidr, strict=False)
    except ValueError:
        return False
    return a.version == b.version and a.overlaps(b)


class Target(StrEnum):
    IGW = "igw"
    NAT = "nat"
    LOCAL = "local"
    PEERING = "peering"
    OTHER = "other"


def route_target(
    *, gateway: Any, nat: Any = "", peering: Any = "", other: Any = "", igws: Collection[Any] = ()
) -> tuple[Target, str]:
    """What a route sends traffic to, whichever adapter read it. A gateway is an internet
    gateway when the stack declares it (`igws`) or its id says so (`igw-...`: a gateway read
    from AWS, or one the stack does not own). It is checked first: a route that names both
    an internet gateway and another target is taken at its worst."""
    if isinstance(gateway, str) and gateway and (gateway in igws or gateway.startswith(IGW_PREFIX)):
        return Target.IGW, gateway
    if nat:
        return Target.NAT, str(nat)
    if gateway == "local":
        return Target.LOCAL, ""
    if peering:
        return Target.PEERING, str(peering)
    return Target.OTHER, str(other or gateway or "")


@dataclass(frozen=True)
class Route:
    destination: str
    target: Target
    target_id: str = ""


@dataclass(frozen=True)
class Rule:
    """One security group rule, in either direction."""

    protocol: str  # "tcp", "udp", "-1" ...
    from_port: int
    to_port: int
    cidrs: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    # Managed prefix lists: their ranges are not in the stack, so they may hold any address.
    prefix_lists: tuple[str, ...] = ()

    def allows_port(self, port: int) -> bool:
        if self.protocol in ("-1", "all"):
            return True
        return self.protocol in ("tcp", "6") and self.from_port <= port <= self.to_port


@dataclass(frozen=True)
class Placement:
    """Where one thing sits: its subnets, its groups, and whether it has a public address."""

    name: str
    subnet_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    public_address: bool


@dataclass
class NetworkModel:
    vpc_cidr: str
    subnet_cidrs: dict[str, str] = field(default_factory=dict)
    subnet_route_table: dict[str, str] = field(default_factory=dict)
    subnet_az: dict[str, str] = field(default_factory=dict)
    main_route_table: str = ""
    routes: dict[str, list[Route]] = field(default_factory=dict)
    nat_subnet: dict[str, str] = field(default_factory=dict)
    ingress: dict[str, list[Rule]] = field(default_factory=dict)
    egress: dict[str, list[Rule]] = field(default_factory=dict)
    placements: dict[str, list[Placement]] = field(default_factory=dict)
    # Active peering connections, and groups whose egress is not in the model (dev's own
    # rules: assumed open, the worst case for a "no").
    peerings: set[str] = field(default_factory=set)
    open_egress: set[str] = field(default_factory=set)

    # ---- routing ----------------------------------------------------------------------------
    def route_table_of(self, subnet: str) -> str:
        return self.subnet_route_table.get(subnet, self.main_route_table)

    def internet_routes(self, subnet: str) -> list[Route]:
        """Every route of a subnet's table that carries some public addresses: 0.0.0.0/0, ::/0,
        and narrower public ranges (two /1 routes cover the internet as well as one /0 does)."""
        return [
            r
            for r in self.routes.get(self.route_table_of(subnet), [])
            if r.target != Target.LOCAL and is_internet_cidr(r.destination)
        ]

    def subnet_is_public(self, subnet: str) -> bool:
        """The one definition (module docstring): some public range is routed to an internet
        gateway."""
        return any(r.target == Target.IGW for r in self.internet_routes(subnet))

    def _in_vpc(self, subnet: str) -> bool:
        cidr = self.subnet_cidrs.get(subnet, "")
        try:
            return ipaddress.ip_network(cidr).subnet_of(ipaddress.ip_network(self.vpc_cidr))  # type: ignore[arg-type]
        except (ValueError, TypeError):
            return True  # unknown range: treat as local, as before peering existed

    def _peering_route(self, subnet: str, dest_cidr: str) -> bool:
        return any(
            r.target == Target.PEERING and r.target_id in self.peerings and overlaps(r.destination, dest_cidr)
            for r in self.routes.get(self.route_table_of(subnet), [])
        )

    def routed(self, a: str, b: str) -> bool:
        """Can packets go from subnet `a` to subnet `b` and back? Inside the VPC the local route
        does it; across a peering both tables need a route over an active connection."""
        if self._in_vpc(a) and self._in_vpc(b):
            return True
        a_cidr, b_cidr = self.subnet_cidrs.get(a, ""), self.subnet_cidrs.get(b, "")
        return self._peering_route(a, b_cidr) and self._peering_route(b, a_cidr)

    # ---- security groups --------------------------------------------------------------------
    def _admits(self, rules: Iterable[Rule], port: int, peer: Peer) -> bool:
        for rule in rules:
            if not rule.allows_port(port):
                continue
            if rule.prefix_lists or set(rule.groups) & set(peer.groups):
                return True
            for cidr in rule.cidrs:
                if peer.internet and is_internet_cidr(cidr):
                    return True
                # Overlap, not containment: a /32 inside a subnet is some host of that subnet.
                if any(overlaps(c, cidr) for c in peer.cidrs):
                    return True
        return False

    def peer(self, placement: Placement) -> Peer:
        return Peer(
            groups=placement.group_ids,
            cidrs=tuple(self.subnet_cidrs[s] for s in placement.subnet_ids if s in self.subnet_cidrs),
        )

    def ingress_allows(self, dest: Placement, port: int, source: Peer) -> bool:
        return any(self._admits(self.ingress.get(g, []), port, source) for g in dest.group_ids)

    def egress_allows(self, source: Placement, port: int, dest: Peer) -> bool:
        return any(
            g in self.open_egress or self._admits(self.egress.get(g, []), port, dest)
            for g in source.group_ids
        )


@dataclass(frozen=True)
class Peer:
    """The other end of a connection, as a security group rule sees it."""

    groups: tuple[str, ...] = ()
    cidrs: tuple[str, ...] = ()
    internet: bool = False


INTERNET_PEER = Peer(internet=True)
