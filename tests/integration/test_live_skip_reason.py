"""R17.4: without a deployment the live suite is skipped with one reason that says what to
provide; it never reaches for credentials (or the instance metadata endpoint) when there is
nothing to check."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration import test_live_deployment as live


def test_r17_4_missing_outputs_file_is_the_one_reason_and_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "OUTPUTS", tmp_path / "absent.json")
    reason = live._skip_reason()
    assert reason is not None
    assert str(tmp_path / "absent.json") in reason and "TAP_FLAT_OUTPUTS" in reason


def test_r17_4_outputs_without_credentials_is_the_one_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = tmp_path / "flat.json"
    outputs.write_text('{"vpc_id": "vpc-1"}')
    monkeypatch.setattr(live, "OUTPUTS", outputs)
    for key in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no network probe from a test
    reason = live._skip_reason()
    assert reason is not None and "no AWS credentials" in reason


def test_r17_4_outputs_and_credentials_run_the_suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = tmp_path / "flat.json"
    outputs.write_text('{"vpc_id": "vpc-1"}')
    monkeypatch.setattr(live, "OUTPUTS", outputs)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    assert live._skip_reason() is None
