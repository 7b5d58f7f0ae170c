"""Issue 10 (stack side): the path from dev, the writer name and the replication secret, read
as relationships between the resources in the plan."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from tap.offline.plan import Plan, PlannedResource
from tap.phases import PHASES, Phase
from tests.helpers import EGRESS, INGRESS, ROUTE, sg_named

PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
ZONE = "aws:route53/zone:Zone"
RECORD = "aws:route53/record:Record"
SECRET = "aws:secretsmanager/secret:Secret"


def peering_routes(plan: Plan) -> list[PlannedResource]:
    return [r for r in plan.of_type(ROUTE) if r.get("vpcPeeringConnectionId")]


def test_peering_joins_the_prod_vpc_to_devs_vpc_from_settings(plan: Plan) -> None:
    (pcx,) = plan.of_type(PEERING)
    vpc = plan.one("aws:ec2/vpc:Vpc")
    assert pcx.get("vpcId") == vpc.id
    assert pcx.get("peerVpcId") == plan.settings.dev_network.dev_vpc_id
    assert pcx.get("autoAccept") is True
    # Same account, same region: no peer owner or region (those need a separate accepter).
    assert "peerOwnerId" not in pcx.inputs and "peerRegion" not in pcx.inputs
    assert plan.outputs["vpc_peering_connection_id"] == pcx.id
    assert plan.outputs["dev_vpc_id"] == plan.settings.dev_network.dev_vpc_id


def test_routes_only_for_the_ranges_that_need_them(plan: Plan) -> None:
    (pcx,) = plan.of_type(PEERING)
    dev = plan.settings.dev_network
    prod_private_tables = {
        r.id for r in plan.of_type("aws:ec2/routeTable:RouteTable") if "private-rt" in r.name
    }
    routes = peering_routes(plan)
    assert all(r.get("vpcPeeringConnectionId") == pcx.id for r in routes)
    into_prod = {
        (r.get("routeTableId"), r.get("destinationCidrBlock"))
        for r in routes
        if r.get("routeTableId") in prod_private_tables
    }
    into_dev = {
        (r.get("routeTableId"), r.get("destinationCidrBlock"))
        for r in routes
        if r.get("routeTableId") in dev.dev_route_table_ids
    }
    assert into_prod == {(t, dev.dev_vpc_cidr) for t in prod_private_tables}
    private = plan.settings.network.private_subnet_cidrs
    assert into_dev == {(t, c) for t in dev.dev_route_table_ids for c in private}
    assert len(routes) == len(into_prod) + len(into_dev)
    # Never the whole production VPC, and never a public subnet.
    public = {ipaddress.IPv4Network(c) for c in plan.settings.network.public_subnet_cidrs}
    for _, cidr in into_dev:
        assert cidr != plan.settings.network.vpc_cidr
        assert not any(ipaddress.IPv4Network(cidr).overlaps(p) for p in public)
    # The public route table is untouched.
    public_rt = plan.one("aws:ec2/routeTable:RouteTable", "prod-public-rt-pay01")
    assert not [r for r in routes if r.get("routeTableId") == public_rt.id]
    assert plan.outputs["dev_vpc_cidr_block"] == dev.dev_vpc_cidr


def test_every_cross_vpc_rule_joins_the_right_groups_on_3306_with_a_description(plan: Plan) -> None:
    dev = plan.settings.dev_network
    prod_db = sg_named(plan, "db-sg").id
    app, dev_db = dev.dev_app_security_group_id, dev.dev_db_security_group_id
    cross = {
        (kind, r.get("securityGroupId"), r.get("referencedSecurityGroupId"))
        for kind, typ in (("in", INGRESS), ("out", EGRESS))
        for r in plan.of_type(typ)
        if {r.get("securityGroupId"), r.get("referencedSecurityGroupId")} & {app, dev_db}
    }
    assert cross == {
        ("in", prod_db, app),
        ("in", prod_db, dev_db),
        ("out", prod_db, dev_db),
        ("in", dev_db, prod_db),
        ("out", dev_db, prod_db),
        ("out", app, prod_db),
    }
    for typ in (INGRESS, EGRESS):
        for r in plan.of_type(typ):
            if {r.get("securityGroupId"), r.get("referencedSecurityGroupId")} & {app, dev_db}:
                assert (r.get("fromPort"), r.get("toPort"), r.get("ipProtocol")) == (3306, 3306, "tcp")
                assert r.get("description") and not r.get("cidrIpv4")
                assert "DevLink$" in r.urn  # listed under the component in the plan


def test_devs_vpc_and_groups_are_referenced_never_owned(any_phase_plan: Plan) -> None:
    dev = any_phase_plan.settings.dev_network
    owned_ids = {r.id for r in any_phase_plan.managed}
    assert not owned_ids & {dev.dev_vpc_id, dev.dev_app_security_group_id, dev.dev_db_security_group_id}
    assert not owned_ids & set(dev.dev_route_table_ids)
    for r in any_phase_plan.managed:
        assert (
            r.type not in ("aws:ec2/vpc:Vpc", "aws:ec2/securityGroup:SecurityGroup")
            or r.get("vpcId") != dev.dev_vpc_id
        )


def test_the_link_exists_exactly_where_the_phase_machine_says(plans: Callable[[Phase], Plan]) -> None:
    for phase in PHASES:
        plan = plans(phase)
        linked = plan.settings.phase_plan.dev_link
        assert len(plan.of_type(PEERING)) == (1 if linked else 0), phase
        assert bool(peering_routes(plan)) == linked, phase


def test_writer_zone_is_private_to_both_vpcs(plan: Plan) -> None:
    zone = plan.one(ZONE, "prod-writer-zone-pay01")
    vpc = plan.one("aws:ec2/vpc:Vpc")
    assert {v["vpcId"] for v in zone.get("vpcs")} == {vpc.id, plan.settings.dev_network.dev_vpc_id}
    assert plan.outputs["writer_zone_id"] == zone.outputs["zoneId"]
    assert plan.outputs["writer_zone_name"] == zone.get("name") == "db.pay01.internal"


def test_writer_zone_keeps_only_prod_once_dev_is_unlinked(plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.COMPLETE)
    zone = plan.one(ZONE, "prod-writer-zone-pay01")
    assert [v["vpcId"] for v in zone.get("vpcs")] == [plan.one("aws:ec2/vpc:Vpc").id]


def test_writer_record_targets_devs_address_read_from_dev_and_belongs_to_tap_db(
    any_phase_plan: Plan,
) -> None:
    plan = any_phase_plan
    record = plan.one(RECORD, "prod-writer-record-pay01")
    zone = plan.one(ZONE, "prod-writer-zone-pay01")
    dev = next(r for r in plan.resources if r.type == "aws:rds/instance:Instance" and r.read)
    assert record.get("zoneId") == zone.outputs["zoneId"]
    assert record.get("type") == "CNAME" and record.get("ttl") <= 5
    assert record.get("records") == [dev.outputs["address"]]
    assert record.get("name") == "writer.db.pay01.internal" == plan.outputs["writer_record_fqdn"]
    # After creation `tap db` alone moves it: no `pulumi up` may change the writer.
    assert record.ignore_changes == ("records",)
    assert plan.outputs["dev_db_address"] == dev.outputs["address"]
    assert plan.outputs["dev_db_port"] == dev.outputs["port"]


def test_replication_secret_is_a_container_under_the_prod_key_with_no_value(any_phase_plan: Plan) -> None:
    plan = any_phase_plan
    (secret,) = plan.of_type(SECRET)
    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    assert secret.get("kmsKeyId") == key.outputs["arn"]
    assert not plan.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert "secretString" not in secret.inputs
    assert plan.outputs["replication_secret_arn"] == secret.outputs["arn"]


def test_seed_replica_output_only_in_the_seeding_phases(plans: Callable[[Phase], Plan]) -> None:
    for phase in PHASES:
        plan = plans(phase)
        value = plan.outputs["seed_replica_identifier"]
        assert (value == "prod-seed-replica-pay01") == plan.settings.phase_plan.seed_replica, phase
        assert value is None or plan.settings.phase_plan.seed_replica


def test_prod_parameter_group_carries_the_replication_values(plan: Plan) -> None:
    pg = plan.one("aws:rds/parameterGroup:ParameterGroup")
    params = {p["name"]: p for p in pg.get("parameters")}
    assert params["binlog_format"]["value"] == "ROW"
    assert params["replicate-ignore-db"]["value"] == "mysql"
    assert params["event_scheduler"]["value"] == "OFF"
    assert params["character_set_server"]["value"] == "utf8mb4"
    assert params["collation_server"]["value"] == "utf8mb4_0900_ai_ci"
    assert params["max_allowed_packet"]["value"] == "67108864"
    # Empty settings leave the engine default (what dev has on a default group).
    assert "sql_mode" not in params and "time_zone" not in params
    # No pulumi up may change which database accepts writes.
    assert "read_only" not in params


def test_lower_case_table_names_waits_for_a_reboot_when_set(example_values: dict[str, object]) -> None:
    from tap.offline.engine import render

    plan = render({**example_values, "dbLowerCaseTableNames": "1", "dbSqlMode": "STRICT_TRANS_TABLES"})
    params = {p["name"]: p for p in plan.one("aws:rds/parameterGroup:ParameterGroup").get("parameters")}
    assert params["lower_case_table_names"] == {
        "name": "lower_case_table_names",
        "value": "1",
        "applyMethod": "pending-reboot",
    }
    assert params["sql_mode"]["value"] == "STRICT_TRANS_TABLES"


def test_phase_document_tells_the_database_gate_whether_the_switch_is_required(any_phase_plan: Plan) -> None:
    import json

    doc = json.loads(
        any_phase_plan.one("aws:ssm/parameter:Parameter", "prod-phase-param-pay01").get("insecureValue")
    )
    assert doc["requiresWriterSwitch"] is any_phase_plan.settings.phase_plan.requires_writer_switch
