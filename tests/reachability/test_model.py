"""SPEC R14.2: the reachability model on hand-built networks; each mutation flips the cell it
should and no other."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tap.offline.reachability import (
    ABSENT,
    ALB,
    APP,
    DB,
    DIRECT,
    EXPECTED,
    INTERNET,
    NO,
    OTHER,
    VIA_NAT,
    YES,
    NetworkModel,
    Placement,
    Route,
    Rule,
    Target,
    matrix,
)
from tests.reachability.models import good_model


def cells(m: NetworkModel) -> dict[tuple[str, str, int], str]:
    return {(c.source, c.dest, c.port): c.actual for c in matrix(m, required=(ALB, APP, DB))}


def test_r14_2_good_network_answers_every_question_as_expected() -> None:
    result = matrix(good_model(), required=(ALB, APP, DB))
    assert len(result) == len(EXPECTED)
    assert [c.question for c in result if not c.ok] == []


def _open_db_to_everyone(m: NetworkModel) -> None:
    m.ingress["sg-db"].append(Rule("tcp", 3306, 3306, cidrs=("0.0.0.0/0",)))


def _private_route_to_igw(m: NetworkModel) -> None:
    m.routes["rt-a"] = [Route("10.0.0.0/16", Target.LOCAL), Route("0.0.0.0/0", Target.IGW, "igw-1")]


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
    m.egress["sg-db"] = [Rule("tcp", 443, 443, cidrs=("0.0.0.0/0",))]


def _app_public_ip_and_igw(m: NetworkModel) -> None:
    _private_route_to_igw(m)
    m.routes["rt-b"] = m.routes["rt-a"]
    m.placements[APP] = [Placement("green", ("priv-a", "priv-b"), ("sg-app",), True)]


def _no_db_rule(m: NetworkModel) -> None:
    m.ingress["sg-db"] = []


MUTATIONS: list[tuple[str, Callable[[NetworkModel], None], dict[tuple[str, str, int], str]]] = [
    ("db group open to 0.0.0.0/0", _open_db_to_everyone, {(OTHER, DB, 3306): YES}),
    ("private route to the IGW", _private_route_to_igw, {(APP, INTERNET, 443): f"mixed: {NO}, {VIA_NAT}"}),
    ("public, open DB", _public_db, {(INTERNET, DB, 3306): YES, (OTHER, DB, 3306): YES}),
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
    ("DB admits nobody", _no_db_rule, {(APP, DB, 3306): NO}),
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
