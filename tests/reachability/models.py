"""A hand-built network like the one the stack declares: two AZs, a public and a private
subnet in each, NAT per AZ, and the ALB/app/DB groups with the rules of SPEC R2."""

from __future__ import annotations

from tap.network.model import ALB, APP, DB, DEV_APP, DEV_DB, NetworkModel, Placement, Route, Rule, Target

VPC = "10.0.0.0/16"
DEV_VPC = "10.20.0.0/16"


def good_model() -> NetworkModel:
    m = NetworkModel(vpc_cidr=VPC)
    m.subnet_cidrs = {
        "pub-a": "10.0.1.0/24",
        "pub-b": "10.0.2.0/24",
        "priv-a": "10.0.11.0/24",
        "priv-b": "10.0.12.0/24",
    }
    m.subnet_route_table = {"pub-a": "rt-pub", "pub-b": "rt-pub", "priv-a": "rt-a", "priv-b": "rt-b"}
    m.routes = {
        "rt-pub": [Route(VPC, Target.LOCAL), Route("0.0.0.0/0", Target.IGW, "igw-1")],
        "rt-a": [Route(VPC, Target.LOCAL), Route("0.0.0.0/0", Target.NAT, "nat-a")],
        "rt-b": [Route(VPC, Target.LOCAL), Route("0.0.0.0/0", Target.NAT, "nat-b")],
    }
    m.nat_subnet = {"nat-a": "pub-a", "nat-b": "pub-b"}
    m.ingress = {
        "sg-alb": [Rule("tcp", 443, 443, cidrs=("0.0.0.0/0",))],
        "sg-app": [Rule("tcp", 8080, 8080, groups=("sg-alb",))],
        "sg-db": [Rule("tcp", 3306, 3306, groups=("sg-app",))],
    }
    m.egress = {
        "sg-alb": [Rule("tcp", 8080, 8080, groups=("sg-app",))],
        "sg-app": [Rule("tcp", 3306, 3306, groups=("sg-db",)), Rule("tcp", 443, 443, cidrs=("0.0.0.0/0",))],
        "sg-db": [],
    }
    m.placements = {
        ALB: [Placement("alb", ("pub-a", "pub-b"), ("sg-alb",), True)],
        APP: [
            Placement("green", ("priv-a", "priv-b"), ("sg-app",), False),
            Placement("blue", ("priv-a", "priv-b"), ("sg-app",), False),
        ],
        DB: [Placement("db", ("priv-a", "priv-b"), ("sg-db",), False)],
    }
    add_dev_link(m)
    return m


def add_dev_link(m: NetworkModel) -> None:
    """Dev's VPC peered in: routes both ways for the private subnets only, and the data
    tier's group-to-group rules (dev's own egress is open, as the model assumes)."""
    m.subnet_cidrs["dev-a"] = DEV_VPC
    m.subnet_route_table["dev-a"] = "rt-dev"
    m.routes["rt-dev"] = [
        Route(DEV_VPC, Target.LOCAL),
        Route("10.0.11.0/24", Target.PEERING, "pcx-1"),
        Route("10.0.12.0/24", Target.PEERING, "pcx-1"),
    ]
    for rt in ("rt-a", "rt-b"):
        m.routes[rt].append(Route(DEV_VPC, Target.PEERING, "pcx-1"))
    m.peerings = {"pcx-1"}
    m.open_egress = {"sg-dev-app", "sg-dev-db"}
    m.ingress["sg-db"] += [
        Rule("tcp", 3306, 3306, groups=("sg-dev-app",)),
        Rule("tcp", 3306, 3306, groups=("sg-dev-db",)),
    ]
    m.egress["sg-db"] = [Rule("tcp", 3306, 3306, groups=("sg-dev-db",))]
    m.ingress["sg-dev-db"] = [Rule("tcp", 3306, 3306, groups=("sg-db",))]
    m.placements[DEV_APP] = [Placement("dev-app", ("dev-a",), ("sg-dev-app",), False)]
    m.placements[DEV_DB] = [Placement("dev-db", ("dev-a",), ("sg-dev-db",), False)]
