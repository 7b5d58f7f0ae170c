"""SPEC R12.2: `tap outputs --flat`, offline and from a deployed stack's JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tap.cli import app
from tap.outputs import DESCRIPTIONS, StackOutputs, flatten
from tests.conftest import EXAMPLE

runner = CliRunner()


def test_r12_2_flat_outputs_of_the_plan_are_written_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "cfn-outputs" / "flat-outputs.json"
    result = runner.invoke(
        app,
        [
            "outputs",
            "--flat",
            "--phase",
            "traffic-shift-50",
            "--config",
            str(EXAMPLE),
            "--output",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    flat = json.loads(target.read_text())
    assert flat.pop("_tap_provenance") == "offline-plan"
    assert set(flat) == set(StackOutputs.__annotations__)
    assert len(flat) >= 60
    assert all(isinstance(v, str) for v in flat.values())
    assert json.loads(flat["traffic_weight_green"]) == 50
    assert len(json.loads(flat["private_subnet_ids"])) == 3


def test_r12_2_deployed_stack_json_is_flattened(tmp_path: Path) -> None:
    nested = runner.invoke(app, ["outputs", "--config", str(EXAMPLE)])
    assert nested.exit_code == 0, nested.output
    stack_file = tmp_path / "stack.json"
    # What `pulumi stack output --json` prints: the outputs without the offline mark.
    deployed = {k: v for k, v in json.loads(nested.stdout).items() if k != "_tap_provenance"}
    stack_file.write_text(json.dumps(deployed))
    flat = runner.invoke(app, ["outputs", "--flat", "--from", str(stack_file)])
    assert flat.exit_code == 0, flat.output
    assert json.loads(flat.stdout)["vpc_id"] == json.loads(nested.stdout)["vpc_id"]


def test_r12_2_a_stack_json_missing_outputs_is_refused_naming_them(tmp_path: Path) -> None:
    stack_file = tmp_path / "old.json"
    stack_file.write_text(json.dumps({"vpc_id": "vpc-0123"}))
    result = runner.invoke(app, ["outputs", "--flat", "--from", str(stack_file)])
    assert result.exit_code == 1
    assert "alb_arn" in result.output and "up to date" in result.output


def test_r12_2_describe_lists_every_output_with_its_type_and_description() -> None:
    result = runner.invoke(app, ["outputs", "--describe"])
    assert result.exit_code == 0, result.output
    rows = {line.split("|")[1].strip(" `"): line for line in result.stdout.splitlines()[2:]}
    assert set(rows) == set(StackOutputs.__annotations__)
    assert (
        r"`int \| None`" in rows["db_instance_port"]  # a Markdown table: the pipe escaped
        and DESCRIPTIONS["db_instance_port"] in rows["db_instance_port"]
    )


def test_r12_2_a_flat_file_given_to_from_reads_as_the_deployed_json_it_came_from(tmp_path: Path) -> None:
    nested = runner.invoke(app, ["outputs", "--config", str(EXAMPLE)])
    deployed = {k: v for k, v in json.loads(nested.stdout).items() if k != "_tap_provenance"}
    flat_file = tmp_path / "flat.json"
    flat_file.write_text(json.dumps(flatten(deployed)))
    again = runner.invoke(app, ["outputs", "--from", str(flat_file)])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == deployed
