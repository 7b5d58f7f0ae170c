"""SPEC R5: seed replica of dev -> its snapshot -> encrypted copy -> production instance,
and the one-writer rule (the endpoint parameter names the writer record in every phase)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tap.offline.plan import Plan, PlannedResource
from tap.phase_plan import plan_for
from tap.phases import PHASES, Phase
from tests.helpers import SUBNET, leaves, sg_named

INSTANCE = "aws:rds/instance:Instance"
SNAPSHOT = "aws:rds/snapshot:Snapshot"
COPY = "aws:rds/snapshotCopy:SnapshotCopy"


def prod_instance(plan: Plan) -> PlannedResource:
    return plan.one(INSTANCE, "prod-rds-pay01")


def seed_replicas(plan: Plan) -> list[PlannedResource]:
    return [r for r in plan.managed if r.type == INSTANCE and r.get("replicateSourceDb")]


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
        assert len([r for r in plan.managed if r.type == INSTANCE and r.name == "prod-rds-pay01"]) == expected
        replicas = 1 if plan_for(phase, plan.settings.fleet_sizes).seed_replica else 0
        assert len(seed_replicas(plan)) == replicas, phase
    assert not plans(Phase.INITIAL).of_type(SNAPSHOT)
    assert seed_replicas(plans(Phase.SEED)) and not plans(Phase.SEED).of_type(SNAPSHOT)


def test_r5_2_seed_snapshot_is_of_the_stopped_replica_never_dev_tagged_and_kept(
    plans: Callable[[Phase], Plan],
) -> None:
    plan = plans(Phase.SNAPSHOT)
    snap = plan.one(SNAPSHOT)
    (replica,) = seed_replicas(plan)
    assert snap.get("dbInstanceIdentifier") == replica.outputs["identifier"]
    assert snap.get("dbInstanceIdentifier") != "payments-dev-mysql"
    assert replica.urn in snap.dependencies
    tags = snap.get("tags")
    assert tags["MigrationSource"] == "payments-dev-mysql"
    assert tags["MigrationPhase"] == "snapshot"
    assert tags["MigrationStack"] == "example"
    assert (tags["SeedBinlogFile"], tags["SeedBinlogPosition"]) == ("mysql-bin-changelog.000042", "157")
    assert snap.protect and snap.retain_on_delete


def test_r5_2_seed_replica_is_a_disposable_replica_of_dev_in_devs_network(
    plans: Callable[[Phase], Plan],
) -> None:
    plan = plans(Phase.SEED)
    (replica,) = seed_replicas(plan)
    dev = next(r for r in plan.resources if r.type == INSTANCE and r.read)
    assert replica.get("replicateSourceDb") == dev.outputs["identifier"]
    # Same class as dev, read from dev (a smaller replica could fall behind for good).
    assert replica.get("instanceClass") == dev.outputs["instanceClass"]
    assert replica.get("vpcSecurityGroupIds") == [plan.settings.dev_network.dev_db_security_group_id]
    assert replica.get("skipFinalSnapshot") is True and replica.get("deletionProtection") is False
    assert replica.get("autoMinorVersionUpgrade") is False
    assert replica.get("publiclyAccessible") is False
    # A replica inherits these from its source; setting them is refused by RDS.
    for key in ("engine", "username", "password", "allocatedStorage", "manageMasterUserPassword"):
        assert key not in replica.inputs, key
    assert not replica.protect


def test_r5_2_removing_the_seed_replica_at_replicate_touches_nothing_protected(
    plans: Callable[[Phase], Plan],
) -> None:
    from tap.offline.diff import diff_plans

    before, after = plans(Phase.SNAPSHOT), plans(Phase.REPLICATE)
    diff = diff_plans(before, after)
    removed = {c.name for c in diff.resources if c.kind == "remove"}
    assert removed == {"prod-seed-replica-pay01"}
    protected = {r.name for r in before.managed if r.protect}
    assert {"prod-seed-snapshot-pay01", "prod-seed-snapshot-encrypted-pay01", "prod-rds-pay01"} <= protected
    for change in diff.resources:
        if change.name in protected:
            # Multi-AZ switches on; nothing that would replace or delete a protected resource.
            assert change.kind == "update" and {f.path for f in change.fields} <= {"multiAz"}, change


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
    for phase in PHASES[2:]:
        plan = plans(phase)
        assert prod_instance(plan).get("multiAz") == plan.settings.phase_plan.multi_az, phase
    assert prod_instance(plans(Phase.SNAPSHOT)).get("multiAz") is False
    assert prod_instance(plans(Phase.REPLICATE)).get("multiAz") is True


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
def test_r5_6_endpoint_parameter_holds_the_writer_name_in_every_phase(
    plans: Callable[[Phase], Plan], phase: Phase
) -> None:
    """Both fleets connect through the writer record; no phase change moves the writer."""
    plan = plans(phase)
    param = plan.one("aws:ssm/parameter:Parameter", "prod-db-endpoint-param-pay01")
    record = plan.one("aws:route53/record:Record", "prod-writer-record-pay01")
    assert param.get("insecureValue") == record.outputs["fqdn"] == plan.outputs["writer_record_fqdn"]
    assert record.urn in param.dependencies
    port = plan.one("aws:ssm/parameter:Parameter", "prod-db-port-param-pay01")
    assert port.get("insecureValue") == "3306"


def test_r5_6_no_phase_change_changes_where_the_fleets_write(plans: Callable[[Phase], Plan]) -> None:
    values = {
        plans(p).one("aws:ssm/parameter:Parameter", "prod-db-endpoint-param-pay01").get("insecureValue")
        for p in PHASES
    }
    assert len(values) == 1


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
