"""No AWS error reaches the user as a traceback, in any `tap migrate` command, under any failure
class (issue 12): every command is run through the CLI with AWS broken in one way, against moto
through the fault-injecting proxy; each ends with a documented exit code and a one-line cause.

The CLI's AWS clients and clock are swapped at their seams (`AwsClients.from_environment`,
`SystemClock`) so that retries run on simulated time."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap.aws_clients import AwsClients, Service
from tap.cli.app import app
from tap.emulator.stand_in import StandIn
from tap.phases import Phase
from tests.conftest import EXAMPLE
from tests.fault_proxy import FaultProxy

pytestmark = pytest.mark.moto
runner = CliRunner()
SERVICES: tuple[Service, ...] = ("ssm", "route53", "dynamodb", "cloudwatch", "sns", "elbv2", "autoscaling")

COMMANDS = (
    ("status",),
    ("advance", "--dry-run"),
    ("advance", "--yes", "--stack", "prod"),
    ("rollback", "--dry-run"),
    ("pause", "--reason", "look"),
    ("resume",),
    ("rollback", "--yes", "--stack", "prod"),
)

# failure class -> what the message says
CLASSES = {
    "no-credentials": "no AWS credentials",
    "endpoint-down": "did not answer",
    "5xx": "server error",
    "throttling": "throttled",
    "missing-parameter": "ParameterNotFound",
    "foreign-outputs": "does not know the resource",
}


@pytest.fixture(scope="session")
def credential_less(moto_endpoint: str) -> AwsClients:
    """Clients created where no credential provider finds anything (boto3 resolves them when a
    client is made; the call then fails with NoCredentialsError)."""
    with pytest.MonkeyPatch.context() as mp:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
            mp.delenv(key, raising=False)
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        mp.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        clients = AwsClients(region="us-east-1", endpoint_url=moto_endpoint, max_attempts=1)
        for service in SERVICES:
            clients.client(service)
    return clients


@pytest.fixture(scope="session")
def unreachable() -> AwsClients:
    with socket.socket() as s:  # a port nobody listens on once this closes
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return AwsClients(region="us-east-1", endpoint_url=f"http://127.0.0.1:{port}", max_attempts=1)


@pytest.fixture
def broken(
    request: pytest.FixtureRequest,
    stand_in: StandIn,
    faults: FaultProxy,
    proxied_clients: AwsClients,
    credential_less: AwsClients,
    unreachable: AwsClients,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[list[str]]:
    kind: str = request.param
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    chosen = {"no-credentials": credential_less, "endpoint-down": unreachable}.get(kind, proxied_clients)
    if kind == "5xx":
        faults.fail("*", "*", "500")
    if kind == "throttling":
        faults.fail("*", "*", "throttle")
    if kind == "missing-parameter":
        stand_in.clients.client("ssm").delete_parameter(
            Name=stand_in.outputs["migration_phase_parameter_name"]
        )
    if kind == "foreign-outputs":
        stand_in.outputs["hosted_zone_id"] = "Z0FOREIGNSTACK00000"
        stand_in.outputs["migration_phase_parameter_name"] = "/tap/other-stack/migration/phase"
        stand_in.outputs["migration_state_table_name"] = "other-stack-migration-state"
    monkeypatch.setattr(AwsClients, "from_environment", classmethod(lambda cls, region=None: chosen))
    monkeypatch.setattr("tap.cli.migrate.controller.SystemClock", lambda: stand_in.clock)
    yield ["--config", str(EXAMPLE), "--outputs", str(stand_in.write_outputs(tmp_path))]


@pytest.mark.parametrize("broken", list(CLASSES), indirect=True)
def test_every_migrate_command_under_each_failure_class_ends_in_a_message(
    broken: list[str], request: pytest.FixtureRequest, stand_in: StandIn
) -> None:
    kind = request.node.callspec.params["broken"]
    said = []
    for command in COMMANDS:
        result = runner.invoke(app, ["migrate", *command, *broken])
        said.append(result.output)
        where = f"{kind}: tap migrate {' '.join(command)}"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{where} raised {result.exception!r}"
        )
        assert result.exit_code in (0, 1, 2, 3, 4, 5, 6, 7), where
        assert "Traceback" not in result.output, where
        if result.exit_code != 0:
            assert "error:" in result.stderr, where
    # The failure class is named to the operator.
    assert CLASSES[kind] in "".join(said), kind
    if kind == "missing-parameter":
        # Route53 works: the rollback moved the weights (phase from the outputs); only the
        # reconcile (no Pulumi CLI here) failed, and the command said so.
        assert stand_in.weights() == {"blue": 100, "green": 0}
        assert "traffic is back" in result.stderr
