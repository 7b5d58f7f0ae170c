"""SPEC R14.2: `tap verify --live` reads a deployed stack through boto3. Against the AWS emulator
on 127.0.0.1: the example plan as the one seeder builds it passes, and each break put on top of
it is caught by the rule or the reachability cell it breaks."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap.aws_clients import AwsClients
from tap.cli import app
from tap.live.errors import LiveReadError
from tap.live.outputs import parse_outputs
from tap.live.verify_live import verify_outputs
from tap.offline.plan import Plan
from tap.phases import Phase
from tap.policies.verify_plan import Verification
from tests.reachability import live_env as env

pytestmark = pytest.mark.moto


def _reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


@pytest.fixture(scope="module")
def shared_clients(moto_endpoint: str) -> AwsClients:
    """One set of boto3 clients for the module (creating clients is the slow part)."""
    return AwsClients(region="us-east-1", endpoint_url=moto_endpoint)


class _Deployment:
    """The module's one deployment (the seeder's build of the plan: the expensive part); every
    break below is undone after its test. Rebuilt if another module's test reset the emulator."""

    def __init__(self, clients: AwsClients, endpoint: str, plan: Plan) -> None:
        self.clients, self.endpoint, self.plan = clients, endpoint, plan
        self.live: env.Live | None = None

    def current(self) -> env.Live:
        vpc = self.live.text("vpc_id") if self.live else None
        ec2 = self.clients.client("ec2")
        if vpc is None or not ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Vpcs"]:
            _reset(self.endpoint)
            self.live = env.build(self.clients, self.plan)
        assert self.live is not None
        return self.live


@pytest.fixture(scope="module")
def deployment(
    shared_clients: AwsClients, moto_endpoint: str, plans: Callable[[Phase], Plan]
) -> Iterator[_Deployment]:
    yield _Deployment(shared_clients, moto_endpoint, plans(env.PHASE))
    _reset(moto_endpoint)


@pytest.fixture
def live(deployment: _Deployment) -> env.Live:
    return deployment.current()


def _verify(live: env.Live) -> Verification:
    return verify_outputs(live.clients, parse_outputs(live.outputs))


def test_r14_2_live_correct_environment_passes(live: env.Live) -> None:
    result = _verify(live)
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
    # both buckets (the replica read in its own region), every alarm, both records
    assert sum(f.rule == "s3-versioning-enabled" for f in result.report.findings) == 2
    alarms = len(live.items("alarm_names"))
    assert sum(f.rule == "alarm-has-actions" for f in result.report.findings) == alarms
    assert sum(f.rule == "dns-ttl-60" for f in result.report.findings) == 2


# (break, rule that must fail or None, (question, actual) that must be wrong or None)
CAUGHT = [
    ("db-group-open-to-world", "internet-ingress-https-only", ("other VPC host -> DB:3306", "yes")),
    ("private-route-to-igw", None, ("app -> internet:443", "mixed: no, via NAT")),
    ("launch-template-allows-imdsv1", "launch-template-imdsv2", None),
    ("db-publicly-accessible", "rds-not-public", None),
    ("alb-group-allows-port-80", "internet-ingress-https-only", ("internet -> ALB:80", "yes")),
    ("app-group-keeps-default-egress", "no-admin-or-catch-all-rules", None),
    (
        "private-route-to-the-other-azs-nat",
        None,
        ("app -> internet:443", "mixed: via NAT, via NAT in another AZ"),
    ),
    ("db-group-admits-a-prefix-list", "internet-ingress-https-only", ("other VPC host -> DB:3306", "yes")),
    ("bucket-policy-denies-plain-http-on-the-bucket-only", "s3-tls-only-policy", None),
    ("replica-bucket-without-public-access-block", "s3-public-access-blocked", None),
    ("log-bucket-versioning-suspended", "s3-versioning-enabled", None),
    ("kms-key-rotation-off", "kms-key-rotation", None),
    ("alarm-actions-disabled", "alarm-has-actions", None),
    ("both-weighted-records-at-zero", "dns-weights-never-all-zero", None),
    ("log-bucket-ownership-object-writer", "s3-bucket-owner-enforced", None),
    ("prod-db-group-without-the-dev-app-rule", None, ("dev app -> DB:3306", "no")),
    ("dev-peering-routes-cover-the-public-subnets", None, ("dev app -> ALB:443", "yes")),
]


@pytest.mark.parametrize(("broken", "rule", "cell"), CAUGHT, ids=[c[0] for c in CAUGHT])
def test_r14_2_live_broken_environment_is_caught(
    live: env.Live, broken: str, rule: str | None, cell: tuple[str, str] | None
) -> None:
    undo = env.BREAKS[broken](live)
    try:
        result = _verify(live)
    finally:
        undo()
    assert not result.ok
    if rule is not None:
        assert rule in result.report.failed_rules()
    wrong = [(c.question, c.actual) for c in result.wrong_cells]
    assert wrong == ([cell] if cell else [])


def test_r14_2_every_break_is_tested() -> None:
    assert {c[0] for c in CAUGHT} == set(env.BREAKS)


def test_r14_5_cli_verify_live_reads_outputs_file(
    live: env.Live, moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(live.outputs))
    monkeypatch.setenv("TAP_AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    result = CliRunner().invoke(app, ["verify", "--live", "--outputs", str(outputs), "--json"])
    data = json.loads(result.stdout)
    assert data["source"].startswith("live stack")
    assert data["policy"]["ok"] is True, json.dumps(data["policy"])[:3000]
    assert all(c["ok"] for c in data["reachability"])
    # The emulated account has no CloudTrail, GuardDuty, Config or Security Hub (R19): the stack
    # is fine, the account is not, and verify says so with its failure exit code.
    assert {b["check"]: b["status"] for b in data["baseline"]} == {
        "cloudtrail": "absent",
        "guardduty": "absent",
        "config": "absent",
        "securityhub": "absent",
    }
    assert data["ok"] is False and result.exit_code == 1, result.output


def test_r14_5_live_outputs_without_vpc_id_name_the_key(shared_clients: AwsClients) -> None:
    with pytest.raises(LiveReadError, match="vpc_id"):
        verify_outputs(shared_clients, parse_outputs({"alb_arn": "arn:aws:elasticloadbalancing:x"}))


def test_r14_5_live_outputs_naming_a_missing_vpc_fail_clearly(shared_clients: AwsClients) -> None:
    # The AWS error reaches the CLI's error edge, which names it and exits 7 (not deployed).
    from botocore.exceptions import ClientError

    from tap.cli.edge import classify
    from tap.errors import EXIT_NOT_DEPLOYED

    with pytest.raises(ClientError) as caught:
        verify_outputs(shared_clients, parse_outputs({"vpc_id": "vpc-0000000000000000f"}))
    failure = classify(caught.value)
    assert failure is not None and failure.exit_code == EXIT_NOT_DEPLOYED
    assert "vpc-0000000000000000f" in failure.message and "does not exist" in failure.message


def test_r12_2_flat_outputs_decode_json_encoded_values() -> None:
    out = parse_outputs(
        {"vpc_id": "vpc-1", "private_subnet_ids": '["a", "b"]', "db_instance_identifier": "null"}
    )
    assert out.strings("private_subnet_ids") == ("a", "b")
    assert out.optional("db_instance_identifier") is None
    assert out.text("vpc_id") == "vpc-1"


def test_r20_live_verify_catches_an_unpinned_database(live: env.Live) -> None:
    """The engine-version rule reads what describe_db_instances reports."""
    rds, db = live.client("rds"), live.text("db_instance_identifier")
    rds.modify_db_instance(DBInstanceIdentifier=db, AutoMinorVersionUpgrade=True, ApplyImmediately=True)
    try:
        result = _verify(live)
    finally:
        rds.modify_db_instance(DBInstanceIdentifier=db, AutoMinorVersionUpgrade=False, ApplyImmediately=True)
    assert any("autoMinorVersionUpgrade" in f.message for f in result.report.violations)
