"""SPEC R14.2: `tap verify --live` reads a deployed stack through boto3. Against the AWS emulator
on 127.0.0.1: one correct environment passes, and each broken one is caught by the rule or the
reachability cell it breaks."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap.aws_clients import AwsClients
from tap.cli import app
from tap.live.errors import LiveReadError
from tap.live.outputs import parse_outputs
from tap.live.verify_live import verify_outputs
from tests.reachability import live_env as env

pytestmark = pytest.mark.moto


@pytest.fixture(scope="module")
def shared_clients(moto_endpoint: str) -> AwsClients:
    """One set of boto3 clients for the module (creating clients is the slow part)."""
    return AwsClients(region="us-east-1", endpoint_url=moto_endpoint)


@pytest.fixture
def clean(shared_clients: AwsClients, moto_endpoint: str) -> AwsClients:
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    return shared_clients


def test_r14_2_live_correct_environment_passes(clean: AwsClients) -> None:
    result = verify_outputs(clean, parse_outputs(env.build(clean, env.GOOD)))
    assert [f.message for f in result.report.violations] == []
    assert [c.question for c in result.wrong_cells] == []
    assert len(result.cells) == 17  # with the six cells of the path from dev
    # the rules really ran on what describe_* returned
    checked = {f.rule for f in result.report.findings}
    assert {
        "launch-template-imdsv2",
        "rds-not-public",
        "alb-listener-https-tls12",
        "internet-ingress-https-only",
        "s3-public-access-blocked",
        "s3-versioning-enabled",
        "s3-default-encryption",
        "s3-tls-only-policy",
        "s3-lifecycle-rules",
        "s3-bucket-owner-enforced",
        "kms-key-rotation",
        "alarm-has-actions",
        "dns-ttl-60",
        "dns-weights-never-all-zero",
    } <= checked
    # both buckets (the replica read in its own region), both alarms, both records
    assert sum(f.rule == "s3-versioning-enabled" for f in result.report.findings) == 2
    assert sum(f.rule == "alarm-has-actions" for f in result.report.findings) == 2
    assert sum(f.rule == "dns-ttl-60" for f in result.report.findings) == 2


# (break, rule that must fail or None, (question, actual) that must be wrong or None)
CAUGHT = [
    (env.DB_OPEN_TO_WORLD, "internet-ingress-https-only", ("other VPC host -> DB:3306", "yes")),
    (env.PRIVATE_ROUTE_TO_IGW, None, ("app -> internet:443", "mixed: no, via NAT")),
    (env.IMDSV1, "launch-template-imdsv2", None),
    (env.PUBLIC_DB, "rds-not-public", None),
    (env.ALB_PORT_80, "internet-ingress-https-only", ("internet -> ALB:80", "yes")),
    (env.DEFAULT_EGRESS_KEPT, "no-admin-or-catch-all-rules", None),
    (env.NAT_IN_OTHER_AZ, None, ("app -> internet:443", "mixed: via NAT, via NAT in another AZ")),
    (env.DB_FROM_PREFIX_LIST, "internet-ingress-https-only", ("other VPC host -> DB:3306", "yes")),
    (env.TLS_DENY_BUCKET_ONLY, "s3-tls-only-policy", None),
    (env.NO_PUBLIC_ACCESS_BLOCK, "s3-public-access-blocked", None),
    (env.VERSIONING_SUSPENDED, "s3-versioning-enabled", None),
    (env.KEY_NOT_ROTATED, "kms-key-rotation", None),
    (env.ALARM_ACTIONS_DISABLED, "alarm-has-actions", None),
    (env.WEIGHTS_ALL_ZERO, "dns-weights-never-all-zero", None),
    (env.ACLS_STILL_ON, "s3-bucket-owner-enforced", None),
    (env.DEV_APP_NOT_ADMITTED, None, ("dev app -> DB:3306", "no")),
    (env.DEV_ROUTES_WHOLE_VPC, None, ("dev app -> ALB:443", "yes")),
]


@pytest.mark.parametrize(("broken", "rule", "cell"), CAUGHT, ids=[c[0] for c in CAUGHT])
def test_r14_2_live_broken_environment_is_caught(
    clean: AwsClients, broken: str, rule: str | None, cell: tuple[str, str] | None
) -> None:
    result = verify_outputs(clean, parse_outputs(env.build(clean, broken)))
    assert not result.ok
    if rule is not None:
        assert rule in result.report.failed_rules()
    wrong = [(c.question, c.actual) for c in result.wrong_cells]
    assert wrong == ([cell] if cell else [])


def test_r14_2_every_break_is_tested() -> None:
    assert {c[0] for c in CAUGHT} == set(env.BREAKS)


def test_r14_5_cli_verify_live_reads_outputs_file(
    clean: AwsClients, moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(env.build(clean, env.GOOD)))
    monkeypatch.setenv("TAP_AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    result = CliRunner().invoke(app, ["verify", "--live", "--outputs", str(outputs), "--json"])
    data = json.loads(result.stdout)
    assert data["source"].startswith("live stack")
    assert data["policy"]["ok"] is True and all(c["ok"] for c in data["reachability"])
    # The emulated account has no CloudTrail, GuardDuty, Config or Security Hub (R19): the stack
    # is fine, the account is not, and verify says so with its failure exit code.
    assert {b["check"]: b["status"] for b in data["baseline"]} == {
        "cloudtrail": "absent",
        "guardduty": "absent",
        "config": "absent",
        "securityhub": "absent",
    }
    assert data["ok"] is False and result.exit_code == 1, result.output


def test_r14_5_live_outputs_without_vpc_id_name_the_key(clean: AwsClients) -> None:
    with pytest.raises(LiveReadError, match="vpc_id"):
        verify_outputs(clean, parse_outputs({"alb_arn": "arn:aws:elasticloadbalancing:x"}))


def test_r14_5_live_outputs_naming_a_missing_vpc_fail_clearly(clean: AwsClients) -> None:
    # The AWS error reaches the CLI's error edge, which names it and exits 7 (not deployed).
    from botocore.exceptions import ClientError

    from tap.cli.edge import classify
    from tap.errors import EXIT_NOT_DEPLOYED

    with pytest.raises(ClientError) as caught:
        verify_outputs(clean, parse_outputs({"vpc_id": "vpc-0000000000000000f"}))
    failure = classify(caught.value)
    assert failure is not None and failure.exit_code == EXIT_NOT_DEPLOYED
    assert "vpc-0000000000000000f" in failure.message and "does not exist" in failure.message


def test_r12_2_flat_outputs_decode_json_encoded_values() -> None:
    out = parse_outputs(
        {"vpc_id": "vpc-1", "private_subnet_ids": '["a", "b"]', "db_instance_identifier": "null"}
    )
    assert out.strings("private_subnet_ids") == ["a", "b"]
    assert out.optional("db_instance_identifier") is None
    assert out.require("vpc_id") == "vpc-1"


def test_r20_live_verify_catches_an_unpinned_database(clean: AwsClients) -> None:
    """The engine-version rule reads what describe_db_instances reports."""
    outputs = parse_outputs(env.build(clean, env.GOOD))
    clean.client("rds").modify_db_instance(
        DBInstanceIdentifier="prod-rds", AutoMinorVersionUpgrade=True, ApplyImmediately=True
    )
    result = verify_outputs(clean, outputs)
    assert any("autoMinorVersionUpgrade" in f.message for f in result.report.violations)
