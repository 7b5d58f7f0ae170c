"""Security group rules (SPEC R2): HTTPS is the only thing the internet may reach, and only on
the load balancer's group; no administrative or catch-all rules; every rule described; rules
are separate resources; the default group stays empty."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.network.members import member_groups
from tap.network.sg_rules import ALL_RULE_TYPES, RuleView, rule_views
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule
from tap.props import UNKNOWN, flag, is_unknown, items

HTTPS_PORT = 443
# Ports no rule may open: SSH and RDP. Operators use SSM Session Manager instead.
ADMIN_PORTS = {22: "SSH", 3389: "RDP"}


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
    for r in stack:
        for ref in member_groups(r.type, r.props):
            if is_unknown(ref) or (isinstance(ref, str) and ref):
                used.setdefault(UNKNOWN if is_unknown(ref) else ref, []).append(r.label)
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
