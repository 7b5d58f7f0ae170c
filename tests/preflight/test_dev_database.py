"""Dev's database through the RDS API (moto): engine version, storage, backups, status,
binlog format and the replication parameters (issue 11 items 6-7, issue 10 Build 3)."""

from __future__ import annotations

import json
import shlex
from datetime import UTC, datetime

import pytest

from tap.aws_clients import AwsClients
from tap.preflight import dev_database, dev_parameters
from tap.preflight.result import Status
from tests.preflight import seed
from tests.preflight.conftest import MakeCtx

pytestmark = pytest.mark.moto
PINNED = {"dbEngineVersion": "8.0.39"}


def test_exact_engine_version_equal_to_dev_passes(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws)
    before_end = datetime(2026, 6, 1, tzinfo=UTC)
    result = dev_database.engine_version(make_ctx(overrides=PINNED, now=before_end))
    assert result.status is Status.PASS
    assert "8.0.39" in result.message and "2026-07-31" in result.message


def test_engine_8_0_past_end_of_standard_support_warns(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws)
    result = dev_database.engine_version(make_ctx(overrides=PINNED, now=datetime(2026, 12, 1, tzinfo=UTC)))
    assert result.status is Status.WARN
    assert "Extended Support" in result.message


def test_prod_newer_than_dev_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws, version="8.0.36")
    result = dev_database.engine_version(make_ctx(overrides=PINNED))
    assert result.status is Status.FAIL
    assert "newer to an older" in result.message


def test_storage_above_prod_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws, storage=200)
    result = dev_database.storage(make_ctx())  # prod: 100 GiB
    assert result.status is Status.FAIL
    assert "200 GiB" in result.message and "tap:dbAllocatedStorageGib 200" in result.action
    assert dev_database.storage(make_ctx(overrides={"dbAllocatedStorageGib": 200})).status is Status.PASS


def test_backups_off_fails_and_on_passes(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws, retention=0)
    ctx = make_ctx()
    off = dev_database.backups(ctx)
    assert off.status is Status.FAIL and "read replica" in off.message
    aws.client("rds").modify_db_instance(
        DBInstanceIdentifier=seed.DEV_DB, BackupRetentionPeriod=3, ApplyImmediately=True
    )
    on = dev_database.backups(make_ctx())
    assert on.status is Status.PASS and "tap db status" in on.message


def test_stopped_dev_fails_status(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws)
    assert dev_database.status(make_ctx()).status is Status.PASS
    aws.client("rds").stop_db_instance(DBInstanceIdentifier=seed.DEV_DB)
    result = dev_database.status(make_ctx())
    assert result.status is Status.FAIL and "stopped" in result.message


def test_missing_dev_instance_fails_every_db_check_naming_the_setting(make_ctx: MakeCtx) -> None:
    ctx = make_ctx()
    for check in (dev_database.status, dev_database.storage, dev_parameters.binlog_format):
        result = check(ctx)
        assert result.status is Status.FAIL
        assert "tap:devDbInstanceId" in result.message


def test_binlog_row_in_custom_group_passes(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws)
    result = dev_parameters.binlog_format(make_ctx())
    assert result.status is Status.PASS
    assert "tap db status" in result.message  # binlog retention needs SQL


def test_binlog_mixed_fails_with_the_booked_reboot(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws, parameters={"binlog_format": "MIXED"})
    result = dev_parameters.binlog_format(make_ctx())
    assert result.status is Status.FAIL
    assert "ParameterValue=ROW" in result.action and "one booked step" in result.action


def test_binlog_unset_reports_rds_default_mixed(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws, parameters={})
    result = dev_parameters.binlog_format(make_ctx())
    assert result.status is Status.FAIL and "MIXED" in result.message


def test_default_parameter_group_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws, custom_group=False)
    result = dev_parameters.binlog_format(make_ctx())
    assert result.status is Status.FAIL
    assert "default.mysql8.0" in result.message and "custom group" in result.action


def test_replication_parameters_equal_when_both_use_defaults(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws)
    result = dev_parameters.replication_parameters(make_ctx())
    assert result.status is Status.PASS, result.message


def test_replication_parameter_set_only_on_dev_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws, parameters={"binlog_format": "ROW", "time_zone": "Europe/Berlin"})
    result = dev_parameters.replication_parameters(make_ctx())
    assert result.status is Status.FAIL
    assert "time_zone" in result.message and "Europe/Berlin" in result.message


def test_compare_reads_rds_sources() -> None:
    """Pure: RDS marks defaults with Source engine-default; those equal an unset prod value."""
    default = {
        "ParameterName": "sql_mode",
        "ParameterValue": "NO_ENGINE_SUBSTITUTION",
        "Source": "engine-default",
    }
    user = {**default, "Source": "user"}
    assert dev_parameters._compare("sql_mode", default, None) is None
    assert dev_parameters._compare("sql_mode", user, None) is not None
    assert dev_parameters._compare("sql_mode", user, "NO_ENGINE_SUBSTITUTION") is None
    assert dev_parameters._compare("sql_mode", None, "STRICT_TRANS_TABLES") is not None


def test_row_waiting_for_a_reboot_fails_naming_the_reboot() -> None:
    result = dev_parameters.judge_binlog(seed.DEV_DB, "dev-mysql80", "pending-reboot", "ROW")
    assert result.status is Status.FAIL
    assert f"reboot-db-instance --db-instance-identifier {seed.DEV_DB}" in result.action
    assert "one booked step" in result.action
    assert dev_parameters.judge_binlog(seed.DEV_DB, "dev-mysql80", "in-sync", "ROW").status is Status.PASS


def test_dev_filtering_the_mysql_schema_passes(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws)
    result = dev_parameters.ignores_mysql_schema(make_ctx())
    assert result.status is Status.PASS, result.message


@pytest.mark.parametrize("parameters", [{"binlog_format": "ROW"}, {"replicate-ignore-db": "payments"}])
def test_dev_not_filtering_the_mysql_schema_fails_naming_two_writers(
    aws: AwsClients, make_ctx: MakeCtx, parameters: dict[str, str]
) -> None:
    seed.dev_database(aws, parameters=parameters)
    result = dev_parameters.ignores_mysql_schema(make_ctx())
    assert result.status is Status.FAIL
    assert "two writers" in result.message
    assert "replicate-ignore-db" in result.action and "mysql" in result.action


def test_ignore_db_judgement_keeps_the_schemas_dev_already_filters() -> None:
    result = dev_parameters.judge_ignore_db("dev-mysql80", "payments_archive")
    assert result.status is Status.FAIL
    # the printed command is one the AWS CLI accepts: JSON, since the value has its own comma
    # (the shorthand `ParameterValue=a,mysql` would split it into two keys)
    argv = shlex.split(result.action.removesuffix(" (dynamic: no reboot)"))
    assert argv[:3] == ["aws", "rds", "modify-db-parameter-group"]
    (change,) = json.loads(argv[argv.index("--parameters") + 1])
    assert change == {
        "ParameterName": "replicate-ignore-db",
        "ParameterValue": "payments_archive,mysql",
        "ApplyMethod": "immediate",
    }
    assert dev_parameters.judge_ignore_db("dev-mysql80", "payments_archive, mysql").status is Status.PASS
    # schema names are case-sensitive (lower_case_table_names=0): `MySQL` filters nothing of `mysql`
    assert dev_parameters.judge_ignore_db("dev-mysql80", "MySQL").status is Status.FAIL
    assert "custom group" in dev_parameters.judge_ignore_db("default.mysql8.0", None).action
