"""`tap preflight` end to end: moto for AWS, the fake Service Quotas server, the local DNS
server and the local HTTPS server; --json and every exit code."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tap.aws_clients import AwsClients
from tap.cli.app import app
from tap.cli.preflight import EXIT_UNCHECKED
from tap.emulator.registry import MOTO_AMI
from tap.preflight.quotas import QUOTAS
from tap.preflight.registry import CHECKS
from tests.conftest import EXAMPLE
from tests.preflight import seed
from tests.preflight.dns_server import dns_server
from tests.preflight.fake_quotas import QuotaTable, quotas_server
from tests.preflight.tls import Ca, https_server, make_leaf

pytestmark = pytest.mark.moto
runner = CliRunner()


@dataclass
class Account:
    args: list[str]
    clients: AwsClients


@pytest.fixture
def account(
    moto_clients: AwsClients, moto_endpoint: str, ca: Ca, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Account]:
    """An account where every check can pass: seeded moto, quotas, delegated DNS, healthy dev."""
    seed.service_role(moto_clients)
    net = seed.dev_database(moto_clients)
    seed.bundle(moto_clients)
    servers = seed.zone(moto_clients)
    doc = yaml.safe_load(EXAMPLE.read_text())
    doc["config"]["tap:dbEngineVersion"] = "8.0.39"
    doc["config"]["tap:createAutoScalingServiceLinkedRole"] = False  # the account has it
    doc["config"]["tap:devVpcId"] = net["vpc"]
    doc["config"]["tap:devRouteTableIds"] = [net["route_table"]]
    doc["config"]["tap:devAppSecurityGroupId"] = net["app_sg"]
    doc["config"]["tap:devDbSecurityGroupId"] = net["db_sg"]
    doc["config"]["tap:amiId"] = MOTO_AMI  # one moto ships (listing its catalogue takes a second)
    config = tmp_path / "Pulumi.test.yaml"
    config.write_text(yaml.safe_dump(doc))
    now = datetime.now(UTC)
    cert, key, _ = make_leaf(
        ca, tmp_path, ["app.payments.example.com"], now - timedelta(days=1), now + timedelta(days=90), "dev"
    )
    table = QuotaTable(defaults={(q.service_code, q.quota_code): 50.0 for q in QUOTAS})
    records = {
        (seed.DOMAIN, "NS"): [f"{s}." for s in servers],
        (seed.DOMAIN, "SOA"): [f"{servers[0]}. hostmaster.{seed.DOMAIN}. 1 7200 900 1209600 86400"],
    }
    monkeypatch.delenv("TAP_AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    with quotas_server(table) as quotas_url, dns_server(records) as dns, https_server(cert, key) as (port, _):
        monkeypatch.setenv("AWS_ENDPOINT_URL_SERVICE_QUOTAS", quotas_url)
        yield Account(
            [
                "preflight",
                "--config",
                str(config),
                "--resolver",
                f"127.0.0.1:{dns.port}",
                "--dev-endpoint",
                f"127.0.0.1:{port}",
                "--ca-bundle",
                str(ca.pem_path),
                "--timeout",
                "2",
            ],
            moto_clients,
        )


def _statuses(output: str) -> dict[str, str]:
    return {r["name"]: r["status"] for r in json.loads(output)["results"]}


def test_ready_account_exits_0_with_every_check_reported(account: Account) -> None:
    result = runner.invoke(app, [*account.args, "--json"])
    assert result.exit_code == 0, result.output
    statuses = _statuses(result.stdout)
    assert set(statuses) == {c.name for c in CHECKS}
    assert "fail" not in statuses.values() and "error" not in statuses.values()
    assert (
        statuses["zone-delegation"] == statuses["dev-endpoint"] == statuses["dev-db-binlog-format"] == "pass"
    )
    assert statuses["pinned-ami"] == "pass"  # the pinned image exists in the account


def test_a_failed_check_exits_1_and_names_what_to_do(account: Account) -> None:
    account.clients.client("s3").delete_object(Bucket=seed.BUNDLE[0], Key=seed.BUNDLE[1])
    result = runner.invoke(app, [*account.args, "--json"])
    assert result.exit_code == 1
    bundle = next(r for r in json.loads(result.stdout)["results"] if r["name"] == "release-bundle")
    assert bundle["status"] == "fail" and "upload the release bundle" in bundle["action"]


def test_table_output_shows_results_and_summary(account: Account) -> None:
    result = runner.invoke(app, [*account.args, "--phase", "complete"])
    assert result.exit_code == 0, result.output
    assert "preflight before phase complete" in result.stdout
    assert "dev-endpoint" in result.stdout and "SKIP" in result.stdout
    assert "0 fail" in result.stdout and "0 could not check" in result.stdout


def test_a_failure_outranks_could_not_check(monkeypatch: pytest.MonkeyPatch, moto_endpoint: str) -> None:
    """AWS down (every AWS check: error) and dev down (dev-endpoint: fail) -> exit 1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("TAP_AWS_ENDPOINT_URL", f"http://{dead}")
    # One attempt per call: a refused connection is the same answer on the eighth try, after
    # seconds of backoff (the retries themselves are botocore's, tested in test_aws_retry_knob).
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    result = runner.invoke(
        app, ["preflight", "--json", "--resolver", dead, "--dev-endpoint", dead, "--timeout", "0.5"]
    )
    assert result.exit_code == 1, result.output
    statuses = _statuses(result.stdout)
    assert statuses["dev-endpoint"] == "fail"
    assert all(statuses[c.name] in ("error", "skip") for c in CHECKS if c.uses_aws)
    assert json.loads(result.stdout)["summary"]["fail"] == 1


def test_unreachable_aws_alone_exits_6(monkeypatch: pytest.MonkeyPatch, account: Account) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("TAP_AWS_ENDPOINT_URL", dead)
    result = runner.invoke(app, [*account.args, "--json"])
    assert result.exit_code == EXIT_UNCHECKED, result.output
    assert "Traceback" not in result.output


def test_bad_resolver_option_exits_2_naming_it() -> None:
    result = runner.invoke(app, ["preflight", "--resolver", "127.0.0.1:dns"])
    assert result.exit_code == 2
    assert "--resolver '127.0.0.1:dns' is not allowed" in result.stderr


def test_help_documents_every_check() -> None:
    result = runner.invoke(app, ["preflight", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for check in CHECKS:
        assert check.name in result.stdout
    assert "6" in result.stdout and "could not run" in result.stdout
