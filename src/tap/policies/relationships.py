"""Stack-level relationships that no single resource can show: fleets and the database sit in
private subnets, the load balancer in public ones, every target group is a listener target
and has a fleet, and the stack records its phase where the phase rules can read it."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.policies.phase import PHASE_PARAMETER_SUFFIX, phase_parameter_name_unknown, stack_phase_plan
from tap.policies.props import UNKNOWN, flag, is_unknown, items, number
from tap.policies.rules import Report, Resource, Stack, stack_rule

DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")


ROUTING_KEYS: dict[str, tuple[str, ...]] = {
    t.ROUTE: ("routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "gatewayId"),
    t.ROUTE_TABLE: ("id", "routes"),
    t.ROUTE_TABLE_ASSOCIATION: ("subnetId", "routeTableId"),
    t.INTERNET_GATEWAY: ("id",),
}


def routing_known(stack: Stack) -> bool:
    """False while any route, table, association or gateway the subnet rules read is not known
    yet (a table being replaced in preview): which subnets are public cannot be told then."""
    return not any(
        is_unknown(r.get(key))
        for typ, keys in ROUTING_KEYS.items()
        for r in stack.of_type(typ)
        for key in keys
    )


def public_subnets(stack: Stack) -> tuple[set[Any], set[Any]]:
    """(public, known) subnet ids: a subnet is public when its route table sends the default
    route to an internet gateway; `known` are the subnets whose routing the stack shows."""
    igws: set[Any] = set()
    for g in stack.of_type(t.INTERNET_GATEWAY):
        igws |= g.physical_ids
    to_igw: set[Any] = set()
    for route in stack.of_type(t.ROUTE):
        if (
            route.get("destinationCidrBlock") in DEFAULT_ROUTES
            or route.get("destinationIpv6CidrBlock") == "::/0"
        ):
            gw = route.get("gatewayId")
            if gw in igws or (isinstance(gw, str) and gw.startswith("igw-")):
                to_igw.add(route.get("routeTableId"))
    for table in stack.of_type(t.ROUTE_TABLE):
        for inline in table.get("routes") or []:
            if isinstance(inline, dict) and inline.get("cidrBlock") in DEFAULT_ROUTES:
                gw = inline.get("gatewayId")
                if gw in igws or (isinstance(gw, str) and gw.startswith("igw-")):
                    to_igw.add(table.get("id"))
    public, known = set(), set()
    for assoc in stack.of_type(t.ROUTE_TABLE_ASSOCIATION):
        subnet = assoc.get("subnetId")
        if subnet in (None, UNKNOWN):
            continue
        known.add(subnet)
        if assoc.get("routeTableId") in to_igw:
            public.add(subnet)
    return public, known


def _check_private(stack: Stack, report: Report, owner: Resource, subnets: Any, what: str) -> None:
    if not routing_known(stack):
        return
    public, known = public_subnets(stack)
    for s in subnets if isinstance(subnets, list) else []:
        if s in public:
            report(
                f"{owner.label} puts {what} in public subnet {s} (routed to the internet gateway)", owner.urn
            )
        elif s not in known and s is not UNKNOWN:
            report(f"{owner.label} uses subnet {s}, which is not a routed subnet of this stack", owner.urn)


@stack_rule(
    "fleets-in-private-subnets",
    "Auto Scaling groups launch only into this stack's private subnets.",
    "R6.3, R2",
)
def fleets_private(stack: Stack, report: Report) -> None:
    for asg in stack.of_type(t.ASG):
        _check_private(stack, report, asg, items(asg.get("vpcZoneIdentifiers")), "instances")


@stack_rule(
    "db-subnet-group-private-only",
    "DB subnet groups hold only this stack's private subnets.",
    "R5.4",
)
def db_subnets_private(stack: Stack, report: Report) -> None:
    for group in stack.of_type(t.RDS_SUBNET_GROUP):
        _check_private(stack, report, group, items(group.get("subnetIds")), "the database")


@stack_rule(
    "alb-in-public-subnets",
    "An internet-facing load balancer sits in subnets routed to the internet gateway.",
    "R7.1",
)
def alb_public(stack: Stack, report: Report) -> None:
    if not routing_known(stack):
        return
    public, _known = public_subnets(stack)
    for lb in stack.of_type(*t.LOAD_BALANCERS):
        if flag(lb.get("internal")) is True:
            continue
        for s in items(lb.get("subnets")):
            if s is not UNKNOWN and s not in public:
                report(
                    f"{lb.label} is internet-facing but sits in {s}, not routed to the internet gateway",
                    lb.urn,
                )


def listener_targets(stack: Stack) -> set[Any]:
    found: set[Any] = set()
    for listener in stack.of_type(*t.LISTENERS, t.LISTENER_RULE):
        for action in items(listener.get("defaultActions")) + items(listener.get("actions")):
            if action is UNKNOWN:
                found.add(UNKNOWN)
            if not isinstance(action, dict):
                continue
            found.add(action.get("targetGroupArn"))
            forward = action.get("forward")
            for tg in items(forward.get("targetGroups") if isinstance(forward, dict) else forward):
                found.add(tg.get("arn") if isinstance(tg, dict) else tg)
    return found


@stack_rule(
    "target-group-is-listener-target",
    "Every target group is a target of a listener, and has an Auto Scaling group registering into it.",
    "R7.3, R6.3",
)
def target_groups_wired(stack: Stack, report: Report) -> None:
    targets = listener_targets(stack)
    registered: set[Any] = set()
    for asg in stack.of_type(t.ASG):
        registered.update(items(asg.get("targetGroupArns")))
    if UNKNOWN in targets or UNKNOWN in registered:
        return
    # While the created zone awaits delegation there is no listener yet (no validated
    # certificate for it); that is only acceptable while no fleet has instances to serve.
    bootstrap = not stack.of_type(*t.LISTENERS) and all(
        number(asg.get("desiredCapacity")) == 0 for asg in stack.of_type(t.ASG)
    )
    for tg in stack.of_type(*t.TARGET_GROUPS):
        arn = tg.get("arn")
        if arn is UNKNOWN:
            continue
        if arn not in targets and not bootstrap:
            report(f"{tg.label} is not a target of any listener", tg.urn)
        if arn not in registered:
            report(f"{tg.label} has no Auto Scaling group registering instances into it", tg.urn)


@stack_rule(
    "phase-parameter-recorded",
    f"The stack records its migration phase in an SSM parameter ending in {PHASE_PARAMETER_SUFFIX} "
    "whose JSON names a valid phase (the phase rules read it).",
    "R11.3",
)
def phase_recorded(stack: Stack, report: Report) -> None:
    params = [
        p for p in stack.of_type(t.SSM_PARAMETER) if str(p.get("name") or "").endswith(PHASE_PARAMETER_SUFFIX)
    ]
    if not params:
        if phase_parameter_name_unknown(stack):
            return
        report(f"no SSM parameter named */{PHASE_PARAMETER_SUFFIX.lstrip('/')}: the phase rules cannot run")
        return
    raw = params[0].get("insecureValue")
    if raw is UNKNOWN:
        return
    if stack_phase_plan(stack) is None:
        report(
            f"{params[0].label} does not hold a JSON phase document with a valid 'phase': {raw!r}",
            params[0].urn,
        )


STACK_RULES = [fleets_private, db_subnets_private, alb_public, target_groups_wired, phase_recorded]
