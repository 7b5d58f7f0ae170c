"""Who can reach whom on the network (SPEC R14.2).

A small model of the VPC: subnets and the route table each uses, the routes (local, internet
gateway, NAT gateway), the NAT gateways' own subnets, the security groups with their rules, and
where the load balancer, the app fleets and the database sit (subnets, groups, whether they get
a public address). It is built from the offline plan (`from_plan`) or from a deployed stack
read through boto3 (`tap.live.network.read_network`), and answers the same questions for both.

The answers are about the network layer: routing plus security groups, both directions
(security groups are stateful, so replies need no rule). Network ACLs are not modelled; this
stack leaves them at the VPC default (allow all). An ACL can only take reachability away, so
ignoring them may make a "yes" optimistic but never makes a "no" wrong: on a deployed stack with
custom ACLs a "yes" means "routes and security groups allow it". Where the model cannot see the far end (a
route to a peering connection or transit gateway, a rule naming a prefix list) it assumes the
worst, so a "no" in the matrix is always a proof.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tap import aws_types as t
from tap.offline.plan import Plan, PlannedResource
from tap.policies.network import is_internet_cidr
from tap.policies.props import flag
from tap.policies.rules import as_resource

DEFAULT_ROUTE = "0.0.0.0/0"
# A host elsewhere in the VPC, in none of the stack's groups, with unrestricted egress: what a
# compromised or misplaced instance could reach.
INTERNET = "internet"
ALB, APP, DB, OTHER = "alb", "app", "db", "vpc-other"
# Dev's app fleet and database, in dev's peered VPC (issue 10; see reachability_dev).
DEV_APP, DEV_DB = "dev-app", "dev-db"
LABELS = {
    INTERNET: "internet",
    ALB: "ALB",
    APP: "app",
    DB: "DB",
    OTHER: "other VPC host",
    DEV_APP: "dev app",
    DEV_DB: "dev DB",
}


class Target(StrEnum):
    IGW = "igw"
    NAT = "nat"
    LOCAL = "local"
    PEERING = "peering"
    OTHER = "other"


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

    def default_route(self, subnet: str) -> Route | None:
        """The 0.0.0.0/0 route of a subnet's table, if it has one."""
        for r in self.routes.get(self.route_table_of(subnet), []):
            if r.destination == DEFAULT_ROUTE:
                return r
        return None

    def internet_routes(self, subnet: str) -> list[Route]:
        """Every route of a subnet's table that carries some public addresses: 0.0.0.0/0, ::/0,
        and narrower public ranges (two /1 routes cover the internet as well as one /0 does)."""
        return [
            r
            for r in self.routes.get(self.route_table_of(subnet), [])
            if r.target != Target.LOCAL and is_internet_cidr(r.destination)
        ]

    def subnet_is_public(self, subnet: str) -> bool:
        return any(r.target == Target.IGW for r in self.internet_routes(subnet))

    def _in_vpc(self, subnet: str) -> bool:
        cidr = self.subnet_cidrs.get(subnet, "")
        try:
            return ipaddress.ip_network(cidr).subnet_of(ipaddress.ip_network(self.vpc_cidr))  # type: ignore[arg-type]
        except (ValueError, TypeError):
            return True  # unknown range: treat as local, as before peering existed

    def _peering_route(self, subnet: str, dest_cidr: str) -> bool:
        return any(
            r.target == Target.PEERING
            and r.target_id in self.peerings
            and _overlaps(r.destination, dest_cidr)
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
                if any(_overlaps(c, cidr) for c in peer.cidrs):
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


def _overlaps(a_cidr: str, b_cidr: str) -> bool:
    try:
        a, b = ipaddress.ip_network(a_cidr, strict=False), ipaddress.ip_network(b_cidr, strict=False)
    except ValueError:
        return False
    return a.version == b.version and a.overlaps(b)


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


# ---- the model from an offline plan ----------------------------------------------------------
def _rules_from_plan(plan: Plan) -> tuple[dict[str, list[Rule]], dict[str, list[Rule]]]:
    from tap.policies.network import rule_views

    ingress: dict[str, list[Rule]] = {}
    egress: dict[str, list[Rule]] = {}
    types = (*t.SG_RULES, t.LEGACY_SG_RULE, t.SECURITY_GROUP, t.DEFAULT_SECURITY_GROUP)
    for r in plan.resources:
        if r.type not in types:
            continue
        view_source = as_resource(_Args(r.type, r.name, r.urn, {**r.inputs, "id": r.id}))
        for v in rule_views(view_source):
            rng = v.port_range() or (0, -1)
            rule = Rule(
                protocol=str(v.protocol).lower(),
                from_port=int(rng[0]),
                to_port=int(rng[1]),
                cidrs=tuple(str(c) for c in v.cidrs if isinstance(c, str)),
                groups=tuple(str(g) for g in v.groups if isinstance(g, str)),
                prefix_lists=tuple(str(x) for x in v.prefix_lists),
            )
            target = ingress if v.direction == "ingress" else egress
            target.setdefault(str(v.group_id), []).append(rule)
    return ingress, egress


@dataclass(frozen=True)
class _Args:
    resource_type: str
    name: str
    urn: str
    props: dict[str, Any]


def _by_id(plan: Plan, typ: str, ref: Any) -> PlannedResource | None:
    for r in plan.of_type(typ):
        if ref in (r.id, r.outputs.get("arn"), r.outputs.get("name"), r.inputs.get("name")):
            return r
    return None


def _fleets(plan: Plan, subnet_public_ip: dict[str, bool]) -> list[Placement]:
    fleets = []
    for asg in plan.of_type(t.ASG):
        if asg.read:
            continue
        subnets = tuple(asg.inputs.get("vpcZoneIdentifiers") or ())
        lt_ref = (asg.inputs.get("launchTemplate") or {}).get("id")
        lt = _by_id(plan, t.LAUNCH_TEMPLATE, lt_ref)
        groups: list[str] = []
        public = any(subnet_public_ip.get(s, False) for s in subnets)
        if lt is not None:
            groups += list(lt.inputs.get("vpcSecurityGroupIds") or [])
            for nic in lt.inputs.get("networkInterfaces") or []:
                groups += list(nic.get("securityGroups") or [])
                if nic.get("associatePublicIpAddress") is not None:
                    public = flag(nic.get("associatePublicIpAddress")) is True
        fleets.append(Placement(asg.name, subnets, tuple(groups), public))
    return fleets


# Route targets other than gateways and NAT gateways (aws.ec2.Route and inline routes).
OTHER_ROUTE_TARGETS = (
    "vpcPeeringConnectionId",
    "transitGatewayId",
    "vpcEndpointId",
    "networkInterfaceId",
    "egressOnlyGatewayId",
    "carrierGatewayId",
    "localGatewayId",
    "coreNetworkArn",
)


def from_plan(plan: Plan) -> NetworkModel:
    vpcs = plan.of_type(t.VPC)
    model = NetworkModel(vpc_cidr=str(vpcs[0].inputs.get("cidrBlock")) if vpcs else "10.0.0.0/16")
    igws = {r.id for r in plan.of_type(t.INTERNET_GATEWAY)}
    public_ip: dict[str, bool] = {}
    for s in plan.of_type(t.SUBNET):
        model.subnet_cidrs[s.id] = str(s.inputs.get("cidrBlock"))
        if s.inputs.get("availabilityZone"):
            model.subnet_az[s.id] = str(s.inputs["availabilityZone"])
        public_ip[s.id] = flag(s.inputs.get("mapPublicIpOnLaunch")) is True
    for a in plan.of_type(t.ROUTE_TABLE_ASSOCIATION):
        if a.inputs.get("subnetId"):
            model.subnet_route_table[str(a.inputs["subnetId"])] = str(a.inputs.get("routeTableId"))
    for n in plan.of_type(t.NAT_GATEWAY):
        model.nat_subnet[n.id] = str(n.inputs.get("subnetId"))

    def add_route(table: str, route: dict[str, Any], dest: Any) -> None:
        nat, gateway = route.get("natGatewayId"), route.get("gatewayId")
        if nat:
            target, tid = Target.NAT, str(nat)
        elif gateway in igws or (isinstance(gateway, str) and gateway.startswith("igw-")):
            target, tid = Target.IGW, str(gateway)
        elif route.get("vpcPeeringConnectionId"):
            target, tid = Target.PEERING, str(route["vpcPeeringConnectionId"])
        else:
            other = next((route[k] for k in OTHER_ROUTE_TARGETS if route.get(k)), gateway)
            target, tid = Target.OTHER, str(other or "")
        model.routes.setdefault(table, []).append(Route(str(dest), target, tid))

    for rt in plan.of_type(t.ROUTE_TABLE):
        model.routes.setdefault(rt.id, [Route(model.vpc_cidr, Target.LOCAL)])
        for inline in rt.inputs.get("routes") or []:
            add_route(rt.id, inline, inline.get("cidrBlock") or inline.get("ipv6CidrBlock"))
    for r in plan.of_type(t.ROUTE):
        dest = r.inputs.get("destinationCidrBlock") or r.inputs.get("destinationIpv6CidrBlock")
        add_route(str(r.inputs.get("routeTableId")), r.inputs, dest)
    model.ingress, model.egress = _rules_from_plan(plan)

    albs = [
        Placement(
            lb.name,
            tuple(lb.inputs.get("subnets") or ()),
            tuple(lb.inputs.get("securityGroups") or ()),
            flag(lb.inputs.get("internal")) is not True,
        )
        for typ in t.LOAD_BALANCERS
        for lb in plan.of_type(typ)
    ]
    dbs = []
    for db in plan.of_type(t.RDS_INSTANCE):
        if db.read or db.inputs.get("replicateSourceDb"):
            continue  # dev's database (read) or its seed replica (in dev's network, beside dev)
        group = _by_id(plan, t.RDS_SUBNET_GROUP, db.inputs.get("dbSubnetGroupName"))
        subnets = tuple(group.inputs.get("subnetIds") or ()) if group else ()
        dbs.append(
            Placement(
                db.name,
                subnets,
                tuple(db.inputs.get("vpcSecurityGroupIds") or ()),
                flag(db.inputs.get("publiclyAccessible")) is True,
            )
        )
    model.placements = {ALB: albs, APP: _fleets(plan, public_ip), DB: dbs}
    from tap.offline.reachability_dev import add_dev_from_plan

    add_dev_from_plan(model, plan)
    return model
