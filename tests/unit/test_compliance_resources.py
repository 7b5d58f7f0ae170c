"""SPEC R19 on the mock engine: WAF logging, the database audit trail, the access-log bucket
and audit retention, checked as relationships between the resources the program declares."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tap.errors import SettingsError
from tap.offline.config_file import load_values
from tap.offline.plan import Plan
from tap.phases import Phase
from tap.settings import parse
from tests.conftest import EXAMPLE
from tests.unit.test_storage import buckets, part

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def test_r7_4_waf_logs_the_acl_to_an_aws_waf_logs_group_under_the_key(plan: Plan) -> None:
    acl = plan.one("aws:wafv2/webAcl:WebAcl")
    config = plan.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    assert config.get("resourceArn") == acl.outputs["arn"]
    (destination,) = config.get("logDestinationConfigs")
    group = plan.by_arn(destination)
    assert group.type == LOG_GROUP and not destination.endswith(":*")
    assert group.get("name").startswith("aws-waf-logs-")
    assert group.get("kmsKeyId") == key.outputs["arn"] and group.get("retentionInDays") == 365
    redacted = {f["singleHeader"]["name"] for f in config.get("redactedFields")}
    assert redacted == {"authorization", "cookie"}


def test_r7_4_waf_delivery_policy_admits_log_delivery_to_that_group_only(plan: Plan) -> None:
    config = plan.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    policy = plan.one("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "prod-waf-logs-policy-pay01")
    (st,) = json.loads(policy.get("policyDocument"))["Statement"]
    assert st["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert st["Resource"] == config.get("logDestinationConfigs")[0] + ":log-stream:*"
    assert st["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert policy.urn in config.dependencies


def test_r5_4_no_parameter_group_turns_general_log_on_in_any_phase(any_phase_plan: Plan) -> None:
    for pg in any_phase_plan.of_type("aws:rds/parameterGroup:ParameterGroup"):
        assert "general_log" not in {p["name"] for p in pg.get("parameters")}


def test_r5_4_prod_instance_uses_the_audit_option_group_and_exports_audit(plan: Plan) -> None:
    og = plan.one("aws:rds/optionGroup:OptionGroup")
    db = plan.one("aws:rds/instance:Instance", "prod-rds-pay01")
    assert db.get("optionGroupName") == og.outputs["name"]
    assert (og.get("engineName"), og.get("majorEngineVersion")) == ("mysql", "8.0")
    (option,) = og.get("options")
    settings = {s["name"]: s["value"] for s in option["optionSettings"]}
    assert option["optionName"] == "MARIADB_AUDIT_PLUGIN"
    assert settings["SERVER_AUDIT_EVENTS"] == "CONNECT,QUERY_DDL,QUERY_DCL"
    assert "audit" in db.get("enabledCloudwatchLogsExports")
    assert "general" not in db.get("enabledCloudwatchLogsExports")


def test_r19_audit_log_groups_keep_a_year(plan: Plan) -> None:
    """Flow, WAF, DNS query and database audit logs: auditLogRetentionDays (365)."""
    flow = plan.by_arn(plan.one("aws:ec2/flowLog:FlowLog").get("logDestination"))
    query = plan.by_arn(plan.one("aws:route53/queryLog:QueryLog").get("cloudwatchLogGroupArn"))
    audit = plan.one(LOG_GROUP, "prod-rds-audit-logs-pay01")
    assert [g.get("retentionInDays") for g in (flow, query, audit)] == [365, 365, 365]


def test_r19_log_bucket_access_logs_go_to_the_access_log_bucket(plan: Plan) -> None:
    b = buckets(plan)
    logs, access = b["prod-logs-pay01"], b["prod-access-logs-pay01"]
    logging = plan.one("aws:s3/bucketLogging:BucketLogging")
    assert logging.get("bucket") == logs.id and logging.get("targetBucket") == access.id
    policy = part(plan, "aws:s3/bucketPolicy:BucketPolicy", access)
    assert policy.urn in logging.dependencies
    (allow,) = [s for s in json.loads(policy.get("policy"))["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allow["Resource"] == access.outputs["arn"] + "/" + logging.get("targetPrefix") + "*"
    assert allow["Condition"]["ArnLike"] == {"aws:SourceArn": logs.outputs["arn"]}
    # Server access logging cannot deliver to an SSE-KMS bucket.
    sse = part(
        plan,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        access,
    )
    assert sse.get("rules")[0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"


def test_r19_settings_refuse_audit_retention_below_a_year_and_lock_bounds_that_fail_jobs() -> None:
    base = load_values(EXAMPLE)
    with pytest.raises(SettingsError, match=r"auditLogRetentionDays.*12 months"):
        parse({**base, "auditLogRetentionDays": 90})
    with pytest.raises(SettingsError, match=r"backupRetentionDays.*vault lock accepts"):
        parse({**base, "backupRetentionDays": 500, "backupVaultLockMaxRetentionDays": 400})
    with pytest.raises(SettingsError, match=r"dbEngineVersion.*8\.0\.28"):
        parse({**base, "dbEngineVersion": "8.0.25"})


def test_r7_4_key_policy_lets_cloudwatch_logs_encrypt_the_waf_log_group(plan: Plan) -> None:
    """The WAF log group is under the prod key: the key's logs statement must cover its ARN."""
    import fnmatch

    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    group = plan.one(LOG_GROUP, "prod-waf-logs-pay01")
    (st,) = [s for s in json.loads(key.get("policy"))["Statement"] if s["Sid"] == "CloudWatchLogsUsesKey"]
    assert st["Principal"] == {"Service": f"logs.{plan.settings.core.region}.amazonaws.com"}
    pattern = st["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert fnmatch.fnmatchcase(group.outputs["arn"], pattern)
    assert group.get("kmsKeyId") == key.outputs["arn"]


def test_r12_compliance_outputs_name_the_resources_they_describe(plan: Plan) -> None:
    out = plan.outputs
    assert plan.by_arn(out["waf_log_group_arn"]).get("name") == out["waf_log_group_name"]
    assert plan.by_arn(out["access_log_bucket_arn"]).get("bucket") == out["access_log_bucket_name"]
    assert plan.by_arn(out["backup_vault_arn"]).type == "aws:backup/vault:Vault"
    assert out["backup_replica_vault_arn"].split(":")[3] == plan.settings.core.replica_region
    assert plan.by_id(out["backup_plan_id"]).type == "aws:backup/plan:Plan"


def test_r12_backup_outputs_are_null_before_the_database_exists(plans: Callable[[Phase], Plan]) -> None:
    out = plans(Phase.INITIAL).outputs
    keys = ("backup_vault_arn", "backup_plan_id", "backup_replica_kms_key_arn")
    assert [out[k] for k in keys] == [None] * 3
