"""Drawing entries of the network and the request path: the VPC and one cluster per AZ, the
gateways and egress routes, then WAF, the ALB, its listener weights, target groups and fleets."""

from __future__ import annotations

import re

from tap import aws_types as t
from tap.diagram.graph import Canvas, Cluster, Draw
from tap.offline.plan import PlannedResource
from tap.values import integer


def vpc_and_subnets(c: Canvas) -> None:
    plan, g = c.plan, c.graph
    vpcs = plan.of_type(t.VPC)
    if vpcs:
        g.clusters.append(Cluster("vpc", f"VPC {vpcs[0].get('cidrBlock', '')} ({plan.settings.core.region})"))
    for s in plan.of_type(t.SUBNET):
        az = str(s.get("availabilityZone", ""))
        cid = "az_" + re.sub(r"[^a-z0-9]", "_", az)
        if all(cl.id != cid for cl in g.clusters):
            g.clusters.append(Cluster(cid, az, c.vpc_cluster))
        kind = (s.get("tags") or {}).get("Tier", "subnet")
        c.node(s, f"{kind} subnet {s.get('cidrBlock', '')}", cid)
        c.az_of[s.id] = cid


def gateways(c: Canvas) -> None:
    plan, idx = c.plan, c.index
    for igw in plan.of_type(t.INTERNET_GATEWAY):
        c.node(igw, "Internet gateway", c.vpc_cluster, "round")
        c.edge("internet", igw)
    for nat in plan.of_type(t.NAT_GATEWAY):
        in_subnets = idx.targets(nat.get("subnetId"), t.SUBNET)
        home = in_subnets[0] if in_subnets else None
        c.node(
            nat, "NAT gateway + EIP", c.az_of.get(home.id, c.vpc_cluster) if home else c.vpc_cluster, "round"
        )
        if home is not None:
            c.edge(home, nat, "in", dashed=True)
    for igw in plan.of_type(t.INTERNET_GATEWAY):
        for nat in plan.of_type(t.NAT_GATEWAY):
            c.edge(nat, igw)
    for ep in plan.of_type(t.VPC_ENDPOINT):
        c.node(ep, "S3 gateway endpoint", c.vpc_cluster, "round")


def egress_routes(c: Canvas) -> None:
    """Private subnet -> its route table's NAT (the per-AZ egress path)."""
    nat_by_table: dict[str, PlannedResource] = {}
    for route in c.plan.of_type(t.ROUTE):
        nats = c.index.targets(route.get("natGatewayId"), t.NAT_GATEWAY)
        if nats:
            nat_by_table[str(route.get("routeTableId"))] = nats[0]
    for assoc in c.plan.of_type(t.ROUTE_TABLE_ASSOCIATION):
        via = nat_by_table.get(str(assoc.get("routeTableId")))
        for subnet in c.index.targets(assoc.get("subnetId"), t.SUBNET):
            if via is not None:
                c.edge(subnet, via, "egress 0.0.0.0/0")


def load_balancers(c: Canvas) -> None:
    plan, idx = c.plan, c.index
    for lb in plan.of_type(t.LOAD_BALANCER):
        c.node(lb, f"ALB {lb.outputs.get('name', lb.name)}", c.vpc_cluster)
        c.edge("internet", lb, "HTTPS 443")
    for acl in plan.of_type(t.WEB_ACL):
        c.node(acl, "WAF web ACL", "", "round")
        for assoc in plan.of_type(t.WEB_ACL_ASSOCIATION):
            for lb in idx.targets(assoc.get("resourceArn"), t.LOAD_BALANCER):
                c.edge(acl, lb, "filters", dashed=True)
    for tg in plan.of_type(t.TARGET_GROUP):
        port = integer(tg.get("port"))
        c.node(tg, f"target group {tg.outputs.get('name', tg.name)} :{port}", c.vpc_cluster)


def listener_weights(c: Canvas) -> None:
    for listener in c.plan.of_type(t.LISTENER):
        lbs_of = c.index.targets(listener.get("loadBalancerArn"), t.LOAD_BALANCER)
        for action in listener.get("defaultActions") or []:
            groups = ((action.get("forward") or {}).get("targetGroups") or []) if action else []
            for tgref in groups:
                for tg in c.index.targets(tgref.get("arn"), t.TARGET_GROUP):
                    for lb in lbs_of:
                        c.edge(lb, tg, f"weight {integer(tgref.get('weight'))}")


def fleets(c: Canvas) -> None:
    templates = {lt.id: lt for lt in c.plan.of_type(t.LAUNCH_TEMPLATE)}
    for asg in c.plan.of_type(t.ASG):
        lt = templates.get(str((asg.get("launchTemplate") or {}).get("id", "")))
        itype = lt.get("instanceType", "?") if lt else "?"
        label = (
            f"ASG {asg.outputs.get('name', asg.name)}<br/>{itype} desired "
            f"{integer(asg.get('desiredCapacity'))} (min {integer(asg.get('minSize'))}, "
            f"max {integer(asg.get('maxSize'))})<br/>private subnets"
        )
        c.node(asg, label, c.vpc_cluster)
        for tg in c.index.targets(asg.get("targetGroupArns"), t.TARGET_GROUP):
            c.edge(tg, asg, "HTTP 8080 /health")


DRAW: tuple[Draw, ...] = (vpc_and_subnets, gateways, egress_routes, load_balancers, listener_weights, fleets)
