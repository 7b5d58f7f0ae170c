"""A hand-built network like the one the stack declares: two AZs, a public and a private
subnet in each, NAT per AZ, and the ALB/app/DB groups with the rules of SPEC R2."""

from __future__ import annotations

from tap.offline.reachability import (
    ALB,
    APP,
    DB,
    NetworkModel,
    Placement,
    Route,
    Rule,
    Target,
)

VPC = "10.0.0.0/16"


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
    return m
