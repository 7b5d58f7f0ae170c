"""R12.2: the flat outputs format the live suite reads — strings stay strings, everything else
is JSON-encoded, null means the phase has no such resource."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.flat_outputs import FlatOutputs, MissingOutput


def test_r12_2_reads_both_flat_strings_and_pulumi_stack_output_json(tmp_path: Path) -> None:
    path = tmp_path / "flat.json"
    # `pulumi stack output --json` keeps lists and numbers typed; `tap outputs --flat` encodes them.
    path.write_text(
        json.dumps(
            {
                "vpc_id": "vpc-1",
                "private_subnet_ids": ["subnet-a", "subnet-b"],
                "traffic_weight_green": "10",
                "db_instance_port": 3306,
                "traffic_weight_blue": None,
            }
        )
    )
    o = FlatOutputs.load(path)
    assert o.text("vpc_id") == "vpc-1"
    assert o.items("private_subnet_ids") == ["subnet-a", "subnet-b"]
    assert o.number("traffic_weight_green") == 10 and o.number("db_instance_port") == 3306
    assert not o.has("traffic_weight_blue")  # null: no dev record in this phase
    assert o.missing(("vpc_id", "traffic_weight_blue", "alb_arn")) == ["traffic_weight_blue", "alb_arn"]


def test_r12_2_a_missing_or_null_output_names_itself_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "flat.json"
    path.write_text(json.dumps({"db_instance_identifier": "null", "vpc_id": "vpc-1"}))
    o = FlatOutputs.load(path)
    with pytest.raises(MissingOutput, match=f"'db_instance_identifier' is absent or null in {path}"):
        o.text("db_instance_identifier")
    with pytest.raises(MissingOutput, match="'vpc_id' is not a list"):
        o.items("vpc_id")


def test_r12_2_a_file_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "flat.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        FlatOutputs.load(path)
