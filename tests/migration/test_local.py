"""`tap local` (SPEC R14.4): a moto server on 127.0.0.1 and the settings that point at it."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from tap.cli.app import app
from tap.cli.local import SERVICES, LocalEmulator, LocalError, environment, provider_settings, pulumi_commands
from tests.moto_fixtures import _free_port


def test_r14_4_provider_settings_send_every_stack_service_to_the_emulator() -> None:
    settings = dict(provider_settings("http://127.0.0.1:5000", "us-east-1"))
    for flag in ("skipCredentialsValidation", "skipRequestingAccountId", "s3UsePathStyle"):
        assert settings[f"aws:{flag}"] == "true"
    # Every service the stack's resources live in (aws:<service>/...) has an endpoint.
    for svc in (
        "ec2",
        "elbv2",
        "rds",
        "route53",
        "s3",
        "kms",
        "iam",
        "dynamodb",
        "ssm",
        "sns",
        "wafv2",
        "acm",
    ):
        assert settings[f"aws:endpoints[0].{svc}"] == "http://127.0.0.1:5000"
    assert set(SERVICES) == {k.split(".", 1)[1] for k in settings if k.startswith("aws:endpoints")}
    assert all("--path" in line for line in pulumi_commands("http://127.0.0.1:5000") if "endpoints" in line)
    assert environment("http://127.0.0.1:5000")["TAP_AWS_ENDPOINT_URL"] == "http://127.0.0.1:5000"


def test_r14_4_emulator_starts_on_loopback_answers_and_stops() -> None:
    emulator = LocalEmulator(_free_port())
    endpoint = emulator.start()
    try:
        assert endpoint.startswith("http://127.0.0.1:")
        assert emulator.probe() == "123456789012"
        with pytest.raises(LocalError, match=str(emulator.port)):  # the port is now taken
            LocalEmulator(emulator.port).start()
    finally:
        emulator.stop()
    with socket.socket() as s:  # stopped: the port is free again
        s.bind(("127.0.0.1", emulator.port))


def test_r14_4_check_mode_prints_settings_as_json_and_exits() -> None:
    port = _free_port()
    result = CliRunner().invoke(app, ["local", "--check", "--json", "--port", str(port)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["endpoint"] == f"http://127.0.0.1:{port}"
    assert doc["provider"]["aws:endpoints[0].route53"] == doc["endpoint"]
    assert doc["environment"]["AWS_ACCESS_KEY_ID"] == "testing"
