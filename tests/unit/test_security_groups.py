"""SPEC R2: who may talk to whom, read from the rule resources in the plan."""

from __future__ import annotations

from tap.offline.plan import Plan
from tests.helpers import EGRESS, INGRESS, SG, rules_of, sg_named


def test_r2_3_db_group_ingress_sources_are_the_app_groups_and_devs_database(plan: Plan) -> None:
    """The prod app group; while dev is linked, dev's app group (writer name) and dev's
    database (reverse replication): groups, never ranges, and only 3306."""
    db, app = sg_named(plan, "db-sg"), sg_named(plan, "app-sg")
    dev = plan.settings.dev_network
    rules = rules_of(plan, INGRESS, db)
    assert sorted(
        (r.get("referencedSecurityGroupId"), r.get("fromPort"), r.get("toPort"), r.get("cidrIpv4"))
        for r in rules
    ) == sorted(
        [
            (app.id, 3306, 3306, None),
            (dev.dev_app_security_group_id, 3306, 3306, None),
            (dev.dev_db_security_group_id, 3306, 3306, None),
        ]
    )


def test_r2_2_app_ingress_only_from_the_alb_group_on_8080(plan: Plan) -> None:
    app, alb = sg_named(plan, "app-sg"), sg_named(plan, "alb-sg")
    rules = rules_of(plan, INGRESS, app)
    assert [(r.get("referencedSecurityGroupId"), r.get("fromPort")) for r in rules] == [(alb.id, 8080)]


def test_r2_1_alb_egress_only_to_the_app_group_on_8080(plan: Plan) -> None:
    app, alb = sg_named(plan, "app-sg"), sg_named(plan, "alb-sg")
    rules = rules_of(plan, EGRESS, alb)
    assert [(r.get("referencedSecurityGroupId"), r.get("fromPort"), r.get("cidrIpv4")) for r in rules] == [
        (app.id, 8080, None)
    ]


def test_r2_2_app_egress_is_mysql_to_the_db_group_and_https_out(plan: Plan) -> None:
    app, db = sg_named(plan, "app-sg"), sg_named(plan, "db-sg")
    rules = {
        (r.get("fromPort"), r.get("referencedSecurityGroupId"), r.get("cidrIpv4"))
        for r in rules_of(plan, EGRESS, app)
    }
    assert rules == {(3306, db.id, None), (443, None, "0.0.0.0/0")}


def test_r2_4_nothing_but_443_is_open_to_the_internet(plan: Plan) -> None:
    open_rules = [
        r for r in plan.of_type(INGRESS) if r.get("cidrIpv4") == "0.0.0.0/0" or r.get("cidrIpv6") == "::/0"
    ]
    assert open_rules, "the ALB must accept HTTPS from the internet"
    for r in open_rules:
        assert (r.get("fromPort"), r.get("toPort"), r.get("ipProtocol")) == (443, 443, "tcp"), r.name
        assert plan.by_id(r.get("securityGroupId")).name.startswith("prod-alb-sg")


def test_r2_4_every_rule_is_a_separate_described_resource(plan: Plan) -> None:
    for sg in plan.of_type(SG):
        assert not sg.get("ingress") and not sg.get("egress"), f"{sg.name} has inline rules"
        assert sg.get("description")
    for rule in plan.of_type(INGRESS) + plan.of_type(EGRESS):
        assert rule.get("description"), rule.name
        assert rule.get("ipProtocol") != "-1", f"{rule.name} opens all protocols"


def test_r2_5_default_security_group_is_taken_over_with_no_rules(plan: Plan) -> None:
    default = plan.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default.get("vpcId") == plan.one("aws:ec2/vpc:Vpc").id
    assert not default.get("ingress") and not default.get("egress")
