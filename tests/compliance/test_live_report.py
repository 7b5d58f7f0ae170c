"""SPEC R19: `tap verify --live --report` on a deployed stack (moto server): the report carries
the account baseline as read and the migration history from the state table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap.aws_clients import AwsClients
from tap.cli import app
from tap.migration.clock import ManualClock
from tap.migration.store import StateStore
from tests.conftest import plan_of
from tests.reachability import live_env as env


def test_r19_live_report_has_baseline_and_change_evidence(
    moto_clients: AwsClients, moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = env.build(moto_clients, plan_of(env.PHASE))  # the seeder creates the state table too
    table = live.text("migration_state_table_name")
    StateStore(moto_clients.client("dynamodb"), table, "operator", ManualClock()).append(
        "initial", "snapshot", "succeeded", "advance"
    )
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(live.outputs))
    monkeypatch.setenv("TAP_AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    result = CliRunner().invoke(
        app, ["verify", "--live", "--outputs", str(outputs), "--report", str(tmp_path / "r")]
    )
    assert result.exit_code == 1  # the emulated account has no baseline
    data = json.loads((tmp_path / "r" / "compliance-report.json").read_text())
    assert [(h["from"], h["to"], h["outcome"]) for h in data["change_evidence"]["migration_history"]] == [
        ("initial", "snapshot", "succeeded")
    ]
    assert {b["check"]: b["status"] for b in data["account_baseline"]}["cloudtrail"] == "absent"
    assert data["source"].startswith("live stack")
    markdown = (tmp_path / "r" / "compliance-report.md").read_text()
    assert "## Account baseline (read live)" in markdown and "| 1 |" in markdown
