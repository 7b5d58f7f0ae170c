"""One retry knob for every AWS client (tap.aws_clients): attempts per call, from the code,
else AWS_MAX_ATTEMPTS, else 8; always botocore's standard mode; bad values refused by name."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tap.aws_clients import DEFAULT_MAX_ATTEMPTS, RETRY_MODE, AwsClients, attempts_from
from tap.cli.app import app
from tap.errors import BadEnvironment
from tests.conftest import EXAMPLE


def _retries(clients: AwsClients) -> dict[str, object]:
    # botocore sets every constructor option as an attribute; botocore-stubs declares only a few.
    return dict(clients.client("ssm").meta.config.retries)  # type: ignore[attr-defined]


def test_precedence_is_code_then_aws_max_attempts_then_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_MAX_ATTEMPTS", raising=False)
    assert AwsClients().max_attempts == DEFAULT_MAX_ATTEMPTS
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    assert AwsClients().max_attempts == 3
    assert AwsClients.from_environment().max_attempts == 3
    assert AwsClients(max_attempts=1).max_attempts == 1


def test_the_clients_get_those_attempts_in_standard_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    assert _retries(AwsClients(region="us-east-1")) == {"total_max_attempts": 2, "mode": RETRY_MODE}
    assert RETRY_MODE == "standard"


@pytest.mark.parametrize("value", ["0", "21", "-1", "three", "2.5", " 4"])
def test_a_bad_aws_max_attempts_is_refused_naming_it(value: str) -> None:
    with pytest.raises(BadEnvironment) as caught:
        attempts_from({"AWS_MAX_ATTEMPTS": value})
    assert str(caught.value).startswith(f"AWS_MAX_ATTEMPTS = {value!r} is not allowed")
    assert "a whole number from 1 to 20" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "says"),
    [("AWS_RETRY_MODE", "standard"), ("TAP_AWS_MAX_ATTEMPTS", "set AWS_MAX_ATTEMPTS instead")],
)
def test_knobs_tap_does_not_read_are_refused_not_ignored(name: str, says: str) -> None:
    with pytest.raises(BadEnvironment, match=says):
        attempts_from({name: "adaptive" if name == "AWS_RETRY_MODE" else "2"})
    assert attempts_from({"AWS_RETRY_MODE": "standard"}) == DEFAULT_MAX_ATTEMPTS  # what tap uses


def test_a_command_refuses_a_bad_value_with_exit_2() -> None:
    env = {"AWS_MAX_ATTEMPTS": "0", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    result = CliRunner().invoke(app, ["preflight", "--config", str(EXAMPLE)], env=env)
    assert result.exit_code == 2, result.output
    assert "AWS_MAX_ATTEMPTS = '0' is not allowed" in result.stderr and "Traceback" not in result.output
