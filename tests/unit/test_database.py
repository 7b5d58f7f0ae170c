"""SPEC R5: dev snapshot -> encrypted copy -> production instance, and the one-writer rule."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tap.offline.plan import Plan, PlannedResource
from tap.phases import PHASES, Phase, SystemOfRecord, plan_for
from tests.helpers import SUBNET, leaves, sg_named

INSTANCE = "aws:rds/instance:Instance"
SNAPSHOT = "aws:rds/snapshot:Snapshot"
COPY = "aws:rds/snapshotCopy:SnapshotCopy"


def prod_instance(plan: Plan) -> PlannedResource:
    return plan.one(INSTANCE, "prod-rds-pay01")


def test_r5_1_dev_instance_is_read_never_managed(any_phase_plan: Plan) -> None:
    dev = [r for r in any_phase_plan.resources if r.type == INSTANCE and r.read]
    assert [r.id for r in dev] == ["payments-dev-mysql"]
    managed = [r for r in any_phase_plan.managed if r.type == INSTANCE]
    assert all(r.get("identifier") != "payments-dev-mysql" for r in managed)


def test_r11_2_snapshot_chain_exists_exactly_from_the_snapshot_phase(
    plans: Callable[[Phase], Plan],
) -> None:
    for phase in PHASES:
        plan = plans(phase)
        expected = 1 if plan_for(phase, plan.settings.fleet_sizes).snapshot_chain else 0
        assert len(plan.of_type(SNAPSHOT)) == expected, phase
        assert len(plan.of_type(COPY)) == expected, phase
        assert len([r for r in plan.managed if r.type == INSTANCE]) == expected, phase
    assert not plans(Phase.INITIAL).of_type(SNAPSHOT)


def test_r5_2_final_snapshot_is_of_dev_tagged_and_kept(plan: Plan) -> None:
    snap = plan.one(SNAPSHOT)
    dev = next(r for r in plan.resources if r.type == INSTANCE and r.read)
    assert snap.get("dbInstanceIdentifier") == dev.outputs["identifier"]
    assert snap.get("tags")["MigrationSource"] == "payments-dev-mysql"
    assert snap.get("tags")["MigrationPhase"] == "snapshot"
    assert snap.get("tags")["MigrationStack"] == "example"
    assert snap.protect and snap.retain_on_delete


def test_r5_3_copy_encrypts_the_dev_snapshot_with_the_prod_key(plan: Plan) -> None:
    snap, copy = plan.one(SNAPSHOT), plan.one(COPY)
    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    assert copy.get("sourceDbSnapshotIdentifier") == snap.outputs["dbSnapshotArn"]
    assert copy.get("kmsKeyId") == key.outputs["arn"]
    assert copy.protect and copy.retain_on_delete


def test_r5_4_instance_restores_from_the_encrypted_copy(plan: Plan) -> None:
    copy, instance = plan.one(COPY), prod_instance(plan)
    assert instance.get("snapshotIdentifier") == copy.outputs["targetDbSnapshotIdentifier"]
    assert instance.protect


def test_r5_4_instance_settings(plan: Plan) -> None:
    i = prod_instance(plan)
    key_arn = plan.one("aws:kms/key:Key", "prod-kms-pay01").outputs["arn"]
    expected = {
        "engine": "mysql",
        "engineVersion": plan.settings.database.engine_version,
        "autoMinorVersionUpgrade": False,
        "allowMajorVersionUpgrade": False,
        "applyImmediately": True,
        "instanceClass": "db.r5.large",
        "storageType": "gp3",
        "allocatedStorage": 100,
        "storageEncrypted": True,
        "kmsKeyId": key_arn,
        "publiclyAccessible": False,
        "backupRetentionPeriod": 7,
        "backupWindow": "03:00-04:00",
        "maintenanceWindow": "Mon:04:00-Mon:05:00",
        "deletionProtection": True,
        "skipFinalSnapshot": False,
        "performanceInsightsEnabled": True,
        "performanceInsightsKmsKeyId": key_arn,
        "performanceInsightsRetentionPeriod": 7,
        "monitoringInterval": 60,
        "iamDatabaseAuthenticationEnabled": True,
        "manageMasterUserPassword": True,
        "masterUserSecretKmsKeyId": key_arn,
        "copyTagsToSnapshot": True,
    }
    assert {k: i.get(k) for k in expected} == expected
    assert sorted(i.get("enabledCloudwatchLogsExports")) == ["audit", "error", "slowquery"]
    assert i.get("finalSnapshotIdentifier")


def test_r5_4_multi_az_follows_the_phase_machine(plans: Callable[[Phase], Plan]) -> None:
    for phase in PHASES[1:]:
        plan = plans(phase)
        assert prod_instance(plan).get("multiAz") == plan.settings.phase_plan.multi_az, phase
    assert prod_instance(plans(Phase.SNAPSHOT)).get("multiAz") is False
    assert prod_instance(plans(Phase.BLUE_GREEN)).get("multiAz") is True


def test_r5_4_subnet_group_holds_exactly_the_private_subnets_and_sg_is_the_db_group(
    plan: Plan,
) -> None:
    i = prod_instance(plan)
    group = plan.one("aws:rds/subnetGroup:SubnetGroup")
    private = {s.id for s in plan.of_type(SUBNET) if s.get("tags")["Tier"] == "private"}
    assert i.get("dbSubnetGroupName") == group.outputs["name"]
    assert set(group.get("subnetIds")) == private
    assert i.get("vpcSecurityGroupIds") == [sg_named(plan, "db-sg").id]


def test_r3_3_parameter_group_requires_tls_and_is_the_instances(plan: Plan) -> None:
    i, pg = prod_instance(plan), plan.one("aws:rds/parameterGroup:ParameterGroup")
    assert i.get("parameterGroupName") == pg.outputs["name"]
    params = {p["name"]: p["value"] for p in pg.get("parameters")}
    assert params["require_secure_transport"] == "1"
    assert params["slow_query_log"] == "1"
    assert pg.get("family") == "mysql8.0"


def test_r5_4_enhanced_monitoring_role_is_trusted_by_rds_monitoring(plan: Plan) -> None:
    role = plan.by_arn(prod_instance(plan).get("monitoringRoleArn"))
    trust = json.loads(role.get("assumeRolePolicy"))
    assert trust["Statement"][0]["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}


def test_r5_4_exported_log_groups_exist_first_encrypted_with_retention(plan: Plan) -> None:
    i = prod_instance(plan)
    key_arn = plan.one("aws:kms/key:Key", "prod-kms-pay01").outputs["arn"]
    groups = [
        g
        for g in plan.of_type("aws:cloudwatch/logGroup:LogGroup")
        if g.get("name").startswith("/aws/rds/instance/prod-rds-pay01/")
    ]
    assert sorted(g.get("name").rsplit("/", 1)[1] for g in groups) == ["audit", "error", "slowquery"]
    for g in groups:
        # The audit export is audit evidence (12 months, R19); the others follow logRetentionDays.
        kind = g.get("name").rsplit("/", 1)[1]
        assert g.get("kmsKeyId") == key_arn
        assert g.get("retentionInDays") == (365 if kind == "audit" else 90)
        assert g.urn in i.dependencies


def test_r5_5_no_password_in_any_input(any_phase_plan: Plan) -> None:
    for r in any_phase_plan.resources:
        for key in r.inputs:
            if "password" in key.lower():
                assert isinstance(r.inputs[key], bool), f"{r.name}.{key} carries a value"
        assert "masterPassword" not in r.inputs and "password" not in r.inputs


def test_r5_5_master_secret_is_rds_managed_under_the_prod_key(plan: Plan) -> None:
    i = prod_instance(plan)
    (secret,) = i.outputs["masterUserSecrets"]
    assert plan.outputs["db_master_user_secret_arn"] == secret["secretArn"]
    assert secret["secretArn"].startswith("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-")


@pytest.mark.parametrize("phase", PHASES, ids=[p.value for p in PHASES])
def test_r5_6_endpoint_parameter_names_the_one_database_that_takes_writes(
    plans: Callable[[Phase], Plan], phase: Phase
) -> None:
    plan = plans(phase)
    param = plan.one("aws:ssm/parameter:Parameter", "prod-db-endpoint-param-pay01")
    dev = next(r for r in plan.resources if r.type == INSTANCE and r.read)
    if plan.settings.phase_plan.system_of_record is SystemOfRecord.PROD:
        assert param.get("insecureValue") == prod_instance(plan).outputs["address"]
    else:
        assert param.get("insecureValue") == dev.outputs["address"]


def test_r5_6_green_never_takes_traffic_while_the_parameter_names_dev(
    plans: Callable[[Phase], Plan],
) -> None:
    for phase in PHASES:
        plan = plans(phase)
        value = plan.one("aws:ssm/parameter:Parameter", "prod-db-endpoint-param-pay01").get("insecureValue")
        if plan.settings.phase_plan.weights.green > 0:
            assert value == plan.outputs["db_instance_address"], phase


def test_outputs_of_the_data_tier_point_at_its_resources(plan: Plan) -> None:
    out = plan.outputs
    assert plan.by_arn(out["db_instance_arn"]).name == "prod-rds-pay01"
    assert out["encrypted_snapshot_arn"] == plan.one(COPY).outputs["dbSnapshotArn"]
    assert out["db_instance_resource_id"] == prod_instance(plan).outputs["resourceId"]
    assert "payments-dev-mysql" in leaves(out)


def test_r5_1_decommissioned_dev_is_no_longer_read_and_nothing_protected_changes(
    example_values: dict[str, object], plans: Callable[[Phase], Plan]
) -> None:
    from tap.offline.diff import diff_plans
    from tap.offline.engine import render

    before = plans(Phase.COMPLETE)
    after = render({**example_values, "migrationPhase": "complete", "devDecommissioned": True})
    assert not [r for r in after.resources if r.read]
    changes = diff_plans(before, after).resources
    assert not changes, [(c.kind, c.name) for c in changes]
    assert after.outputs["dev_db_instance_arn"] is None


@pytest.mark.parametrize("phase", [p for p in PHASES if p is not Phase.COMPLETE], ids=lambda p: p.value)
def test_r5_1_dev_cannot_be_marked_decommissioned_while_it_serves_or_writes(
    example_values: dict[str, object], phase: Phase
) -> None:
    from tap.errors import SettingsError
    from tap.settings import parse

    with pytest.raises(SettingsError, match="tap:devDecommissioned"):
        parse({**example_values, "migrationPhase": phase.value, "devDecommissioned": True})
