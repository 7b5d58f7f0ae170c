"""SPEC R19: AWS Backup of the production database, on the mock engine: the selection names the
instance the stack restores, the copy goes to a vault in the replica region under a key of that
region, both vaults are locked with the settings' bounds, and nothing exists before the phase
machine says the database does."""

from __future__ import annotations

import json
from collections.abc import Callable

from tap.offline.engine import render
from tap.offline.plan import Plan
from tap.phase_plan import plan_for
from tap.phases import PHASES, Phase

VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"


def test_r19_selection_backs_up_the_prod_instance_with_the_backup_role(plan: Plan) -> None:
    db = plan.one("aws:rds/instance:Instance", "prod-rds-pay01")
    selection = plan.one("aws:backup/selection:Selection")
    backup_plan = plan.one("aws:backup/plan:Plan")
    role = plan.by_arn(selection.get("iamRoleArn"))
    assert selection.get("resources") == [db.outputs["arn"]]
    assert selection.get("planId") == backup_plan.id
    assert "backup.amazonaws.com" in role.get("assumeRolePolicy")
    attached = [
        a.get("policyArn")
        for a in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.get("role") == role.outputs["name"]
    ]
    assert attached == ["arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"]


def test_r19_daily_rule_copies_to_the_replica_region_vault_under_its_own_key(plan: Plan) -> None:
    (rule,) = plan.one("aws:backup/plan:Plan").get("rules")
    vaults = {v.name: v for v in plan.of_type(VAULT)}
    primary, replica = vaults["prod-backup-vault-pay01"], vaults["prod-backup-vault-replica-pay01"]
    prod_key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    replica_key = plan.one("aws:kms/key:Key", "prod-backup-replica-kms-pay01")
    assert rule["schedule"] == "cron(0 5 ? * * *)"
    assert rule["targetVaultName"] == primary.outputs["name"]
    assert rule["lifecycle"]["deleteAfter"] == plan.settings.compliance.backup_retention_days
    (copy,) = rule["copyActions"]
    assert copy["destinationVaultArn"] == replica.outputs["arn"]
    assert copy["lifecycle"]["deleteAfter"] == plan.settings.compliance.backup_retention_days
    assert primary.get("kmsKeyArn") == prod_key.outputs["arn"]
    assert replica.get("kmsKeyArn") == replica_key.outputs["arn"]
    assert replica.outputs["arn"].split(":")[3] == plan.settings.core.replica_region
    assert replica_key.outputs["arn"].split(":")[3] == plan.settings.core.replica_region
    assert replica_key.get("enableKeyRotation") is True
    role_arn = plan.one("aws:backup/selection:Selection").get("iamRoleArn")
    principals = [s["Principal"] for s in json.loads(replica_key.get("policy"))["Statement"]]
    assert {"AWS": role_arn} in principals


def test_r19_both_vaults_locked_with_the_settings_bounds_governance_by_default(plan: Plan) -> None:
    c = plan.settings.compliance
    vaults = {v.outputs["name"] for v in plan.of_type(VAULT)}
    locks = plan.of_type(LOCK)
    assert {lk.get("backupVaultName") for lk in locks} == vaults
    for lk in locks:
        assert lk.get("minRetentionDays") == c.backup_vault_lock_min_retention_days
        assert lk.get("maxRetentionDays") == c.backup_vault_lock_max_retention_days
        assert lk.get("changeableForDays") is None  # governance mode
        assert lk.urn in plan.one("aws:backup/plan:Plan").dependencies


def test_r19_compliance_mode_sets_the_grace_period(example_values: dict[str, object]) -> None:
    values = {
        **example_values,
        "migrationPhase": "snapshot",
        "backupVaultLockMode": "compliance",
        "backupVaultLockGraceDays": 7,
    }
    locked = render(values)
    assert {lk.get("changeableForDays") for lk in locked.of_type(LOCK)} == {7}


def test_r19_backups_exist_exactly_when_the_phase_machine_has_a_prod_database(
    plans: Callable[[Phase], Plan],
) -> None:
    for phase in PHASES:
        p = plans(phase)
        has_db = bool(p.of_type("aws:rds/instance:Instance")) and any(
            r.name == "prod-rds-pay01" for r in p.of_type("aws:rds/instance:Instance")
        )
        expected = plan_for(phase, p.settings.fleet_sizes).prod_database
        assert bool(p.of_type("aws:backup/selection:Selection")) is expected is has_db, phase
