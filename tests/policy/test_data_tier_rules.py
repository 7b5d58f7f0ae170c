"""Issue 10: the data tier's rules pass the real plan in every phase and fail when one part
breaks, naming the resource; the production database rules do not judge the seed replica."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tap import aws_types as t
from tap.offline.plan import Plan
from tap.phases import Phase
from tap.policies.offline import StackResource
from tests.policy.examples import res, stack_violations, violations
from tests.policy.stack_examples import good_stack

REPLICA = {
    "replicateSourceDb": "payments-dev-mysql",
    "instanceClass": "db.t3.micro",
    "publiclyAccessible": False,
    "autoMinorVersionUpgrade": False,
    "deletionProtection": False,
    "skipFinalSnapshot": True,
}
DEV_APP, DEV_DB = "sg-0a1b2c3d4e5f60718", "sg-0f9e8d7c6b5a40312"


def cross_rule(name: str, **props: object) -> StackResource:
    base: dict[str, object] = {
        "securityGroupId": "sg-db",
        "referencedSecurityGroupId": DEV_APP,
        "ipProtocol": "tcp",
        "fromPort": 3306.0,
        "toPort": 3306.0,
        "description": "MySQL from dev's app fleet",
    }
    return res(t.INGRESS_RULE, name, **{**base, **props})


def test_seed_replica_passes_its_rule_and_is_not_judged_as_production() -> None:
    assert violations("rds-seed-replica-private-and-pinned", t.RDS_INSTANCE, REPLICA) == []
    # Unencrypted, no backups, no deletion protection: right for a replica of unencrypted dev.
    for rule in ("rds-encrypted-with-customer-key", "rds-backups-7-days", "rds-deletion-protection"):
        assert violations(rule, t.RDS_INSTANCE, REPLICA) == [], rule


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"publiclyAccessible": True}, "publicly accessible"),
        ({"autoMinorVersionUpgrade": True}, "minor version"),
        ({"password": "hunter2hunter2"}, "password"),
        ({"deletionProtection": True}, "deletion protection"),
    ],
)
def test_seed_replica_rule_fails_on_each_broken_part(change: dict[str, object], words: str) -> None:
    found = violations("rds-seed-replica-private-and-pinned", t.RDS_INSTANCE, {**REPLICA, **change})
    assert found and words in found[0]


def test_production_rules_still_judge_a_non_replica() -> None:
    plain = {k: v for k, v in REPLICA.items() if k != "replicateSourceDb"}
    assert violations("rds-encrypted-with-customer-key", t.RDS_INSTANCE, plain)


def test_cross_vpc_rules_pass_when_group_to_group_on_3306() -> None:
    stack = [
        *good_stack(),
        cross_rule("db-from-dev-app"),
        cross_rule("dev-db-in", securityGroupId=DEV_DB, referencedSecurityGroupId="sg-db"),
    ]
    assert stack_violations("cross-vpc-rules-group-to-group", stack) == []


@pytest.mark.parametrize(
    ("props", "words"),
    [
        ({"fromPort": 0.0, "toPort": 65535.0}, "only 3306"),
        ({"ipProtocol": "-1"}, "protocol"),
        ({"description": ""}, "without a description"),
        (
            {"securityGroupId": DEV_DB, "referencedSecurityGroupId": None, "cidrIpv4": "10.0.0.0/16"},
            "to a range",
        ),
    ],
)
def test_cross_vpc_rule_fails_when_broken(props: dict[str, object], words: str) -> None:
    found = stack_violations("cross-vpc-rules-group-to-group", [*good_stack(), cross_rule("bad", **props)])
    assert found and any(words in f and "'bad'" in f for f in found), found


def test_writer_record_rule_refuses_a_long_ttl_or_another_type() -> None:
    zone = res(t.ROUTE53_ZONE, "writer-zone", id="Z0PRIV", zoneId="Z0PRIV", vpcs=[{"vpcId": "vpc-1"}])
    good = res(t.ROUTE53_RECORD, "writer", zoneId="Z0PRIV", type="CNAME", ttl=5.0, records=["dev.rds"])
    assert stack_violations("writer-record-short-ttl-cname", [*good_stack(), zone, good]) == []
    slow = res(t.ROUTE53_RECORD, "writer", zoneId="Z0PRIV", type="CNAME", ttl=60.0, records=["dev.rds"])
    assert "TTL 60" in stack_violations("writer-record-short-ttl-cname", [*good_stack(), zone, slow])[0]
    a = res(t.ROUTE53_RECORD, "writer", zoneId="Z0PRIV", type="A", ttl=5.0, records=["10.20.0.5"])
    assert "not a CNAME" in stack_violations("writer-record-short-ttl-cname", [*good_stack(), zone, a])[0]


@pytest.mark.parametrize("phase", [Phase.SEED, Phase.SNAPSHOT, Phase.REPLICATE, Phase.BLUE_GREEN])
def test_the_real_plan_passes_the_data_tier_rules(plans: Callable[[Phase], Plan], phase: Phase) -> None:
    from tap.policies.offline import check_plan

    report = check_plan(plans(phase))
    assert [f for f in report.findings if not f.passed] == []
    ran = set(report.rules)
    assert {"rds-seed-replica-private-and-pinned", "cross-vpc-rules-group-to-group"} <= ran


def test_a_range_rule_on_a_prod_group_that_covers_dev_is_refused() -> None:
    peering_route = res(
        t.ROUTE,
        "to-dev",
        routeTableId="rtb-priv",
        destinationCidrBlock="10.20.0.0/16",
        vpcPeeringConnectionId="pcx-1",
    )
    wide = cross_rule("db-from-dev-range", referencedSecurityGroupId=None, cidrIpv4="10.20.0.0/16")
    found = stack_violations("cross-vpc-rules-group-to-group", [*good_stack(), peering_route, wide])
    assert found and "reached over the dev peering" in found[0] and "db-from-dev-range" in found[0]
    assert stack_violations("cross-vpc-rules-group-to-group", [*good_stack(), peering_route]) == []
