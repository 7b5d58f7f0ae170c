"""Security group rules (SPEC R2): HTTPS is the only thing the internet may reach, and only on
the load balancer's group; no administrative or catch-all rules; every rule described; rules
are separate resources; the default group stays empty."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from tap import aws_types as t
from tap.policies.props import UNKNOWN, flag, is_unknown, items, number
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule

HTTPS_PORT = 443
# Ports no rule may open: SSH and RDP. Operators use SSM Session Manager instead.
ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
ALL_PROTOCOLS = {"-1", "all"}


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


@dataclass(frozen=True)
class RuleView:
    """One security group rule, whichever resource shape declared it."""

    owner: str  # what to name in a message
    direction: str  # "ingress" | "egress"
    group_id: Any
    protocol: Any
    from_port: Any
    to_port: Any
    cidrs: tuple[Any, ...]
    groups: tuple[Any, ...]
    description: Any
    # Managed prefix lists: their ranges live outside the program and may be any public CIDR.
    prefix_lists: tuple[Any, ...] = ()

    @property
    def all_protocols(self) -> bool:
        return isinstance(self.protocol, str) and self.protocol.lower() in ALL_PROTOCOLS

    def port_range(self) -> tuple[float, float] | None:
        """Inclusive port range; None when not known yet. All protocols means every port."""
        if self.all_protocols:
            return (0, 65535)
        lo, hi = number(self.from_port), number(self.to_port)
        if lo is UNKNOWN or hi is UNKNOWN:
            return None
        lo_f = lo if isinstance(lo, float) else 0.0
        hi_f = hi if isinstance(hi, float) else 65535.0
        # -1 (ICMP "any") and a missing range both mean "everything" for the range check.
        if lo_f < 0:
            lo_f = 0.0
        if hi_f < 0:
            hi_f = 65535.0
        return (lo_f, hi_f)

    def covers(self, port: int) -> bool:
        rng = self.port_range()
        return rng is not None and rng[0] <= port <= rng[1] and (self.all_protocols or self.tcp_or_udp())

    def tcp_or_udp(self) -> bool:
        return isinstance(self.protocol, str) and self.protocol.lower() in {"tcp", "udp", "6", "17"}

    def tcp(self) -> bool:
        return isinstance(self.protocol, str) and self.protocol.lower() in {"tcp", "6"}

    @property
    def from_internet(self) -> bool:
        """Open to public addresses, or to a prefix list (which the program cannot show is not)."""
        return any(is_internet_cidr(c) for c in self.cidrs) or bool(self.prefix_lists)

    @property
    def peers_shown(self) -> str:
        return ", ".join(map(str, (*self.cidrs, *self.prefix_lists)))


def _inline(r: Resource, block: dict[str, Any], direction: str) -> RuleView:
    return RuleView(
        owner=f"{r.label} inline {direction} rule",
        direction=direction,
        group_id=r.get("id"),
        protocol=block.get("protocol"),
        from_port=block.get("fromPort"),
        to_port=block.get("toPort"),
        cidrs=tuple((block.get("cidrBlocks") or []) + (block.get("ipv6CidrBlocks") or [])),
        groups=tuple(block.get("securityGroups") or []),
        description=block.get("description"),
        prefix_lists=tuple(block.get("prefixListIds") or []),
    )


def rule_views(r: Resource) -> list[RuleView]:
    """The rules a resource declares: a standalone rule resource, or inline blocks."""
    if r.type in t.SG_RULES:
        return [
            RuleView(
                owner=r.label,
                direction="ingress" if r.type == t.INGRESS_RULE else "egress",
                group_id=r.get("securityGroupId"),
                protocol=r.get("ipProtocol"),
                from_port=r.get("fromPort"),
                to_port=r.get("toPort"),
                cidrs=tuple(c for c in (r.get("cidrIpv4"), r.get("cidrIpv6")) if c is not None),
                groups=tuple(g for g in (r.get("referencedSecurityGroupId"),) if g is not None),
                description=r.get("description"),
                prefix_lists=tuple(p for p in (r.get("prefixListId"),) if p is not None),
            )
        ]
    if r.type == t.LEGACY_SG_RULE:
        return [
            RuleView(
                owner=r.label,
                direction=str(r.get("type") or "ingress"),
                group_id=r.get("securityGroupId"),
                protocol=r.get("protocol"),
                from_port=r.get("fromPort"),
                to_port=r.get("toPort"),
                cidrs=tuple((r.get("cidrBlocks") or []) + (r.get("ipv6CidrBlocks") or [])),
                groups=tuple(g for g in (r.get("sourceSecurityGroupId"),) if g is not None),
                description=r.get("description"),
                prefix_lists=tuple(r.get("prefixListIds") or []),
            )
        ]
    views: list[RuleView] = []
    for direction in ("ingress", "egress"):
        blocks = r.get(direction)
        if isinstance(blocks, list):
            views.extend(_inline(r, b, direction) for b in blocks if isinstance(b, dict))
    return views


ALL_RULE_TYPES = (*t.SG_RULES, t.LEGACY_SG_RULE, t.SECURITY_GROUP, t.DEFAULT_SECURITY_GROUP)


@resource_rule(
    "internet-ingress-https-only",
    "A rule open to the internet (a public CIDR, ::/0 or a prefix list) allows TCP 443 and nothing else.",
    "R2.1, R2.4",
    *ALL_RULE_TYPES,
)
def internet_ingress_https_only(r: Resource, report: Report) -> None:
    for rule in rule_views(r):
        if rule.direction != "ingress" or not rule.from_internet:
            continue
        rng = rule.port_range()
        if rng is None:
            continue
        if rule.all_protocols or rng != (HTTPS_PORT, HTTPS_PORT) or not rule.tcp():
            report(
                f"{rule.owner} opens {_describe(rule)} to the internet ({rule.peers_shown}); "
                f"only TCP {HTTPS_PORT} may be open to the internet"
            )


@resource_rule(
    "no-admin-or-catch-all-rules",
    "No security group rule opens SSH (22), RDP (3389), all ports or all protocols.",
    "R2.4",
    *ALL_RULE_TYPES,
)
def no_admin_or_catch_all(r: Resource, report: Report) -> None:
    for rule in rule_views(r):
        rng = rule.port_range()
        if rule.all_protocols:
            report(f"{rule.owner} allows all protocols ({rule.direction}); name the protocol and port")
            continue
        if rng is None:
            continue
        if rng == (0, 65535):
            report(f"{rule.owner} allows every port ({rule.direction}); name the port")
            continue
        for port, what in ADMIN_PORTS.items():
            if rule.covers(port) and rule.direction == "ingress":
                report(f"{rule.owner} opens {what} (port {port}); use SSM Session Manager instead")


@resource_rule(
    "security-group-rule-described",
    "Every security group rule carries a description saying why it exists.",
    "R2.4",
    *ALL_RULE_TYPES,
)
def rule_described(r: Resource, report: Report) -> None:
    for rule in rule_views(r):
        if rule.description is UNKNOWN:
            continue
        if not isinstance(rule.description, str) or not rule.description.strip():
            report(f"{rule.owner} has no description; say what the rule is for")


@resource_rule(
    "security-group-no-inline-rules",
    "Security groups declare no inline rules: every rule is its own resource (no mix, no cycles).",
    "R2.4",
    t.SECURITY_GROUP,
)
def no_inline_rules(r: Resource, report: Report) -> None:
    for direction in ("ingress", "egress"):
        blocks = r.get(direction)
        if isinstance(blocks, list) and blocks:
            report(
                f"{r.label} declares {len(blocks)} inline {direction} rule(s); use "
                f"aws.vpc.SecurityGroup{direction.capitalize()}Rule resources instead"
            )


@resource_rule(
    "default-security-group-empty",
    "The VPC's default security group is taken over with no rules.",
    "R2.5",
    t.DEFAULT_SECURITY_GROUP,
)
def default_group_empty(r: Resource, report: Report) -> None:
    for direction in ("ingress", "egress"):
        blocks = r.get(direction)
        if isinstance(blocks, list) and blocks:
            report(f"{r.label} keeps {len(blocks)} {direction} rule(s); the default group must allow nothing")


@resource_rule(
    "subnet-no-automatic-public-ip",
    "No subnet hands out public IPs on launch (the ALB and NAT gateways bring their own).",
    "R2.4, R6.2",
    t.SUBNET,
)
def subnet_no_public_ip(r: Resource, report: Report) -> None:
    if flag(r.get("mapPublicIpOnLaunch")) is True:
        report(f"{r.label} sets mapPublicIpOnLaunch: instances launched there get a public IP")


def _describe(rule: RuleView) -> str:
    if rule.all_protocols:
        return "all protocols"
    rng = rule.port_range()
    if rng is None:
        return f"{rule.protocol}"
    lo, hi = int(rng[0]), int(rng[1])
    return f"{rule.protocol} {lo}" if lo == hi else f"{rule.protocol} {lo}-{hi}"


def attachments(stack: Stack) -> dict[Any, list[str]]:
    """Security group id -> labels of the resources that put something in that group. A
    reference not known yet (preview) is kept under the key UNKNOWN."""
    used: dict[Any, list[str]] = {}

    def note(ref: Any, r: Resource) -> None:
        if is_unknown(ref) or (isinstance(ref, str) and ref):
            used.setdefault(UNKNOWN if is_unknown(ref) else ref, []).append(r.label)

    for r in stack:
        if r.type in t.LOAD_BALANCERS:
            for g in items(r.get("securityGroups")):
                note(g, r)
        elif r.type == t.LAUNCH_TEMPLATE:
            for g in items(r.get("vpcSecurityGroupIds")):
                note(g, r)
            for nic in items(r.get("networkInterfaces")):
                if nic is UNKNOWN:
                    note(nic, r)
                elif isinstance(nic, dict):
                    for g in items(nic.get("securityGroups")):
                        note(g, r)
        elif r.type == t.RDS_INSTANCE:
            for g in items(r.get("vpcSecurityGroupIds")):
                note(g, r)
        elif r.type == t.INSTANCE:
            for g in items(r.get("vpcSecurityGroupIds")) + items(r.get("securityGroups")):
                note(g, r)
        elif r.type == "aws:ec2/vpcEndpoint:VpcEndpoint":
            for g in items(r.get("securityGroupIds")):
                note(g, r)
    return used


@stack_rule(
    "security-group-attached",
    "Every security group this stack creates is used by a load balancer, launch template, "
    "instance, endpoint or database, or is the named peer of a rule of a group that is (a group "
    "kept ready for a database a later phase restores). An orphan group is a rule set nobody reviews.",
    "R2",
)
def group_attached(stack: Stack, report: Report) -> None:
    in_use = set(attachments(stack))
    if UNKNOWN in in_use:
        return  # some attachment is not known yet; it may be to any group
    peers: dict[Any, set[Any]] = {}
    for r in stack.of_type(*ALL_RULE_TYPES):
        for rule in rule_views(r):
            for g in rule.groups:
                peers.setdefault(rule.group_id, set()).add(g)
    named = {g for owner in in_use for g in peers.get(owner, set())}
    for sg in stack.of_type(t.SECURITY_GROUP):
        sid = sg.get("id")
        if sid is UNKNOWN or sid is None:
            continue
        if sid not in in_use and sid not in named:
            report(
                f"{sg.label} ({sid}) is not attached to anything and no attached group's rule names it",
                sg.urn,
            )


@stack_rule(
    "internet-ingress-only-on-alb-group",
    "Only the group of an internet-facing load balancer has a rule open to the internet.",
    "R2.1, R2.3",
)
def internet_only_on_alb(stack: Stack, report: Report) -> None:
    public_lb_groups: set[Any] = set()
    for lb in stack.of_type(*t.LOAD_BALANCERS):
        if flag(lb.get("internal")) is not True:
            public_lb_groups.update(items(lb.get("securityGroups")))
    if UNKNOWN in public_lb_groups:
        return  # a load balancer's groups are not known yet
    for r in stack.of_type(*ALL_RULE_TYPES):
        for rule in rule_views(r):
            if rule.direction != "ingress" or not rule.from_internet:
                continue
            gid = rule.group_id
            if gid is UNKNOWN or gid is None:
                continue
            if gid not in public_lb_groups:
                report(
                    f"{rule.owner} opens group {gid} to the internet, but that group is not an "
                    "internet-facing load balancer's",
                    r.urn,
                )


@stack_rule(
    "vpc-flow-logs-all-traffic",
    "Every VPC the stack creates has a flow log of ALL traffic (accepted and rejected): the "
    "network's audit trail.",
    "R1.3",
)
def vpc_flow_logs(stack: Stack, report: Report) -> None:
    logged: dict[Any, Any] = {}
    for fl in stack.of_type(t.FLOW_LOG):
        vpc, traffic = fl.get("vpcId"), fl.get("trafficType")
        if UNKNOWN in (vpc, traffic):
            return  # a flow log not known yet may cover any VPC
        if vpc is not None:
            logged[vpc] = traffic if logged.get(vpc) != "ALL" else "ALL"
    for vpc in stack.of_type(t.VPC):
        vid = vpc.get("id")
        if vid is UNKNOWN or vid is None:
            continue
        if vid not in logged:
            report(f"{vpc.label} ({vid}) has no flow log", vpc.urn)
        elif logged[vid] != "ALL":
            report(f"{vpc.label} ({vid}) logs only {logged[vid]} traffic; log ALL", vpc.urn)


RULES = [
    internet_ingress_https_only,
    no_admin_or_catch_all,
    rule_described,
    no_inline_rules,
    default_group_empty,
    subnet_no_public_ip,
]
STACK_RULES = [group_attached, internet_only_on_alb, vpc_flow_logs]
