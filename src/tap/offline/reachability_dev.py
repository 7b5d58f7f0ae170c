"""Dev's side of the reachability model (issue 10): dev's app fleet and database, placed in
dev's peered VPC.

The stack knows dev's VPC range, the route tables it adds routes to and dev's two groups
(settings), plus every route and rule it adds itself. It does not know dev's subnets or
dev's own rules, so the model assumes the worst where that can only hide a "no": each listed
dev route table stands for subnets spanning dev's whole range (dev's fleet and database may sit
behind any of them), and dev's groups have open egress. Dev's own ingress rules are not
modelled; the cells that end on dev (production's database replicating from dev's) need only
the rules this stack adds.
"""

from __future__ import annotations

from tap import aws_types as t
from tap.offline.plan import Plan
from tap.offline.reachability import DEV_APP, DEV_DB, NetworkModel, Placement, Route, Target


def dev_subnet(route_table: str) -> str:
    """The stand-in for dev's subnets behind one route table."""
    return f"dev-subnets@{route_table}"


def add_dev(
    model: NetworkModel,
    *,
    vpc_cidr: str,
    route_tables: tuple[str, ...],
    app_group: str,
    db_group: str,
    peerings: set[str],
    egress_known: bool = False,
) -> None:
    """Place dev's fleet and database (their routes and rules are already in the model).
    Without dev's own egress rules (offline), dev's groups are taken to allow all egress."""
    subnets = tuple(dev_subnet(rt) for rt in route_tables)
    for rt, subnet in zip(route_tables, subnets, strict=True):
        model.subnet_cidrs[subnet] = vpc_cidr
        model.subnet_route_table[subnet] = rt
        routes = model.routes.setdefault(rt, [])
        if not any(r.target == Target.LOCAL for r in routes):
            routes.insert(0, Route(vpc_cidr, Target.LOCAL))
    model.peerings |= peerings
    if not egress_known:
        model.open_egress |= {app_group, db_group}
    model.placements[DEV_APP] = [Placement("dev-app", subnets, (app_group,), False)]
    model.placements[DEV_DB] = [Placement("dev-db", subnets, (db_group,), False)]


def add_dev_from_plan(model: NetworkModel, plan: Plan) -> None:
    dev = plan.settings.dev_network
    if not plan.settings.phase_plan.dev_link or not dev.dev_vpc_cidr:
        return
    # Same account and region with auto_accept: a declared connection is active.
    peerings = {r.id for r in plan.of_type(t.VPC_PEERING) if r.inputs.get("autoAccept")}
    add_dev(
        model,
        vpc_cidr=dev.dev_vpc_cidr,
        route_tables=dev.dev_route_table_ids,
        app_group=dev.dev_app_security_group_id,
        db_group=dev.dev_db_security_group_id,
        peerings=peerings,
    )
