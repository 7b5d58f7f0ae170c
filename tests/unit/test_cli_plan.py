"""SPEC R14.1, R14.5: `tap plan` through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tap.cli import app
from tests.conftest import EXAMPLE

runner = CliRunner()


def test_r14_1_plan_json_lists_resources_by_component_and_outputs() -> None:
    result = runner.invoke(app, ["plan", "--json", "--phase", "snapshot", "--config", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["phase"] == "snapshot"
    components = {r["component"] for r in data["resources"]}
    assert {"network", "security", "encryption", "migration"} <= components
    assert data["outputs"]["migration_phase"] == "snapshot"
    assert data["resource_count"] == len([r for r in data["resources"] if not r["read"]])
    assert [r["name"] for r in data["resources"] if r["read"]] == ["prod-dev-db-source-pay01"]


def test_r14_1_plan_diff_shows_the_phase_change() -> None:
    result = runner.invoke(
        app,
        ["plan", "--json", "--diff-from", "initial", "--phase", "traffic-shift-10", "--config", str(EXAMPLE)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"name": "migration_phase", "old": "initial", "new": "traffic-shift-10"} in data["outputs"]


def test_r14_5_unknown_phase_exits_2_and_lists_valid_phases() -> None:
    result = runner.invoke(app, ["plan", "--phase", "traffic-shift-25", "--config", str(EXAMPLE)])
    assert result.exit_code == 2
    assert "traffic-shift-10" in result.output


def test_r14_5_bad_settings_file_exits_2_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("tap:dnsTtlSeconds: 60", "tap:dnsTtlSeconds: 300"))
    result = runner.invoke(app, ["plan", "--config", str(bad)])
    assert result.exit_code == 2
    assert "tap:dnsTtlSeconds" in result.output and "1 to 60" in result.output
