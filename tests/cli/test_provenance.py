"""Offline outputs cannot pass as a deployed stack's: `tap outputs` marks what it renders and
every command that talks to AWS refuses a file with the mark, naming the command that writes a
deployed stack's outputs. The runbook's commands work on a fresh clone (folders are created)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap.cli.app import app
from tap.live.outputs import load_outputs
from tap.migration.deployment import Deployment
from tap.provenance import DEPLOYED_COMMAND, OfflineOutputsError
from tests.conftest import EXAMPLE

runner = CliRunner()


@pytest.fixture(scope="module")
def offline_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the runbook's old `tap outputs --flat > cfn-outputs/flat-outputs.json` wrote."""
    target = tmp_path_factory.mktemp("clone") / "cfn-outputs" / "flat-outputs.json"
    result = runner.invoke(
        app, ["outputs", "--flat", "--config", str(EXAMPLE), "--phase", "blue-green", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "OFFLINE plan" in result.output
    return target


def test_offline_outputs_are_marked(offline_file: Path) -> None:
    assert json.loads(offline_file.read_text())["_tap_provenance"] == "offline-plan"


def test_both_loaders_refuse_offline_outputs(offline_file: Path) -> None:
    with pytest.raises(OfflineOutputsError, match="offline plan"):
        Deployment.from_file(offline_file)
    with pytest.raises(OfflineOutputsError, match="offline plan"):
        load_outputs(offline_file)


@pytest.mark.parametrize(
    "command",
    [
        ["migrate", "status"],
        ["migrate", "advance", "--dry-run"],
        ["migrate", "rollback", "--dry-run", "--yes"],
        ["verify", "--live"],
    ],
)
def test_commands_that_talk_to_aws_refuse_offline_outputs(offline_file: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--config", str(EXAMPLE), "--outputs", str(offline_file)])
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "offline plan" in flat and DEPLOYED_COMMAND in flat


def test_the_runbook_command_reads_a_deployed_stack_from_stdin_into_a_new_folder(
    offline_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed = {k: v for k, v in json.loads(offline_file.read_text()).items() if k != "_tap_provenance"}
    monkeypatch.chdir(tmp_path)  # a fresh clone: no cfn-outputs/ yet
    argv = DEPLOYED_COMMAND.split("| ", 1)[1].split()[1:]
    result = runner.invoke(app, argv, input=json.dumps(deployed))
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "cfn-outputs" / "flat-outputs.json").read_text())
    assert "_tap_provenance" not in written
    assert written["vpc_id"] == deployed["vpc_id"]
    assert Deployment.from_file(tmp_path / "cfn-outputs" / "flat-outputs.json").require().state_table


def test_from_refuses_offline_outputs(offline_file: Path) -> None:
    result = runner.invoke(app, ["outputs", "--flat", "--from", str(offline_file)])
    assert result.exit_code == 1 and "offline plan" in result.output
