"""SPEC R14.2: the reachability model on hand-built networks; each mutation flips the cell it
should and no other."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tap.network.model import ALB, APP, DB, DEV_APP, DEV_DB, NetworkModel, Placement, Route, Rule, Target
from tap.network.reachability import ABSENT, DIRECT, EXPECTED, INTERNET, NO, OTHER, VIA_NAT, YES, matrix
from tests.reachability.models import good_model


def cells(m: NetworkModel) -> dict[tuple[str, str, int], str]:
    return {(c.source, c.dest, c.port): c.actual for c in matrix(m, required=(ALB, APP, DB, DEV_APP, DEV_DB))}


def test_r14_2_good_network_answers_every_question_as_expected() -> None:
    result = matrix(good_model(), required=(ALB, APP, DB, DEV_APP, DEV_DB))
    assert len(result) == len(EXPECTED)
    assert [c.question for c in result if not c.ok] == []


def _open_db_to_everyone(m: NetworkModel) -> None:
    m.ingress["sg-db"].append(Rule("tcp", 3306, 3306, cidrs=("0.0.0.0/0",)))


def _private_route_to_igw(m: NetworkModel) -> None:
    kept = [r for r in m.routes["rt-a"] if r.destination != "0.0.0.0/0"]  # local and peering
    m.routes["rt-a"] = [*kept, Route("0.0.0.0/0", Target.IGW, "igw-1")]


def _public_db(m: NetworkModel) -> None:
    _open_db_to_everyone(m)
    m.placements[DB] = [Placement("db", ("pub-a", "pub-b"), ("sg-db",), True)]


def _alb_port_80(m: NetworkModel) -> None:
    m.ingress["sg-alb"].append(Rule("tcp", 80, 80, cidrs=("0.0.0.0/0",)))


def _alb_egress_all(m: NetworkModel) -> None:
    m.egress["sg-alb"] = [Rule("-1", 0, 65535, cidrs=("0.0.0.0/0",))]
    m.ingress["sg-db"].append(Rule("tcp", 3306, 3306, cidrs=("10.0.1.0/24",)))


def _app_from_vpc(m: NetworkModel) -> None:
    m.ingress["sg-app"].append(Rule("tcp", 8080, 8080, cidrs=("10.0.0.0/16",)))


def _nat_in_private_subnet(m: NetworkModel) -> None:
    m.nat_subnet["nat-a"] = "priv-b"
    m.nat_subnet["nat-b"] = "priv-a"


def _db_gets_egress(m: NetworkModel) -> None:
    m.egress["sg-db"].append(Rule("tcp", 443, 443, cidrs=("0.0.0.0/0",)))


def _app_public_ip_and_igw(m: NetworkModel) -> None:
    _private_route_to_igw(m)
    m.routes["rt-b"] = m.routes["rt-a"]
    m.placements[APP] = [Placement("green", ("priv-a", "priv-b"), ("sg-app",), True)]


def _no_db_rule(m: NetworkModel) -> None:
    m.ingress["sg-db"] = []


_DEV_CELLS_NO = {(DEV_APP, DB, 3306): NO, (DEV_DB, DB, 3306): NO, (DB, DEV_DB, 3306): NO}


def _drop_routes(m: NetworkModel, *tables: str) -> None:
    for rt in tables:
        m.routes[rt] = [r for r in m.routes[rt] if r.target != Target.PEERING]


def _drop_rule(rules: dict[str, list[Rule]], group: str, peer: str) -> None:
    rules[group] = [r for r in rules[group] if peer not in r.groups]


def _dev_route_to_whole_vpc(m: NetworkModel) -> None:
    """Routes for the whole production VPC both ways (public subnets included)."""
    m.routes["rt-dev"].append(Route("10.0.0.0/16", Target.PEERING, "pcx-1"))
    m.routes["rt-pub"].append(Route("10.20.0.0/16", Target.PEERING, "pcx-1"))


def _app_admits_dev(m: NetworkModel) -> None:
    m.ingress["sg-app"].append(Rule("tcp", 8080, 8080, groups=("sg-dev-app",)))


MUTATIONS: list[tuple[str, Callable[[NetworkModel], None], dict[tuple[str, str, int], str]]] = [
    ("db group open to 0.0.0.0/0", _open_db_to_everyone, {(OTHER, DB, 3306): YES}),
    ("private route to the IGW", _private_route_to_igw, {(APP, INTERNET, 443): f"mixed: {NO}, {VIA_NAT}"}),
    (
        "public, open DB",
        _public_db,
        # In a public subnet it is also off the peering routes (they name private subnets only).
        {
            (INTERNET, DB, 3306): YES,
            (OTHER, DB, 3306): YES,
            (DEV_APP, DB, 3306): NO,
            (DEV_DB, DB, 3306): NO,
            (DB, DEV_DB, 3306): NO,
        },
    ),
    ("ALB listens on 80", _alb_port_80, {(INTERNET, ALB, 80): YES}),
    (
        "ALB egress anywhere, DB admits public subnet",
        _alb_egress_all,
        {(ALB, DB, 3306): YES, (OTHER, DB, 3306): YES},
    ),
    ("app open to the VPC", _app_from_vpc, {(OTHER, APP, 8080): YES}),
    ("NAT gateways in private subnets", _nat_in_private_subnet, {(APP, INTERNET, 443): NO}),
    ("DB egress to the internet", _db_gets_egress, {(DB, INTERNET, 443): VIA_NAT}),
    ("app with public IPs behind the IGW", _app_public_ip_and_igw, {(APP, INTERNET, 443): DIRECT}),
    ("DB admits nobody", _no_db_rule, {(APP, DB, 3306): NO, (DEV_APP, DB, 3306): NO, (DEV_DB, DB, 3306): NO}),
    # The path from dev (issue 10): each part of it flips its own cells.
    ("no peering route back to dev", lambda m: _drop_routes(m, "rt-a", "rt-b"), _DEV_CELLS_NO),
    ("no dev route to prod", lambda m: _drop_routes(m, "rt-dev"), _DEV_CELLS_NO),
    ("peering connection gone", lambda m: m.peerings.clear(), _DEV_CELLS_NO),
    (
        "prod DB does not admit dev's app",
        lambda m: _drop_rule(m.ingress, "sg-db", "sg-dev-app"),
        {(DEV_APP, DB, 3306): NO},
    ),
    (
        "prod DB does not admit dev's DB",
        lambda m: _drop_rule(m.ingress, "sg-db", "sg-dev-db"),
        {(DEV_DB, DB, 3306): NO},
    ),
    (
        "prod DB cannot reach dev's DB",
        lambda m: _drop_rule(m.egress, "sg-db", "sg-dev-db"),
        {(DB, DEV_DB, 3306): NO},
    ),
    (
        "dev DB does not admit prod's DB",
        lambda m: _drop_rule(m.ingress, "sg-dev-db", "sg-db"),
        {(DB, DEV_DB, 3306): NO},
    ),
    ("dev routes to the whole prod VPC", _dev_route_to_whole_vpc, {(DEV_APP, ALB, 443): YES}),
    ("prod app admits dev's app", _app_admits_dev, {(DEV_APP, APP, 8080): YES}),
]


@pytest.mark.parametrize(
    ("mutate", "flipped"), [(m[1], m[2]) for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_r14_2_mutation_flips_exactly_its_cells(
    mutate: Callable[[NetworkModel], None], flipped: dict[tuple[str, str, int], str]
) -> None:
    before = cells(good_model())
    broken = good_model()
    mutate(broken)
    after = cells(broken)
    changed = {k: v for k, v in after.items() if before[k] != v}
    assert changed == flipped


def test_r14_2_missing_required_endpoint_is_reported_absent() -> None:
    m = good_model()
    m.placements[ALB] = []
    by_question = {(c.source, c.dest, c.port): c for c in matrix(m, required=(ALB, APP))}
    assert by_question[(INTERNET, ALB, 443)].actual == ABSENT
    assert not by_question[(INTERNET, ALB, 443)].ok


def test_r14_2_database_cells_skipped_when_no_database_is_required() -> None:
    m = good_model()
    m.placements[DB] = []
    questions = {(c.source, c.dest) for c in matrix(m, required=(ALB, APP))}
    assert not any(DB in q for q in questions)
    assert (INTERNET, ALB) in questions
