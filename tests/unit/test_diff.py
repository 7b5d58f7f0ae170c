"""Plan diffs a reviewer can read: numbers as written, JSON documents and user data diffed
structurally (changed paths only), and two settings files compared (`tap plan --diff-config`)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from tap.cli.app import app
from tap.offline.diff import FieldChange, _walk, diff_plans
from tap.offline.plan import Plan
from tap.phases import Phase
from tests.conftest import EXAMPLE

runner = CliRunner()


def test_integers_stay_integers(plans: Callable[[Phase], Plan]) -> None:
    diff = diff_plans(plans(Phase.INITIAL), plans(Phase.TRAFFIC_SHIFT_10))
    green = next(c for c in diff.resources if c.name == "prod-asg-green-pay01")
    # (desiredCapacity is under ignore_changes, so the phases move the group through minSize)
    minimum = next(f for f in green.fields if f.path == "minSize")
    assert (minimum.old, minimum.new) == (0, 3)
    assert isinstance(minimum.new, int)


def test_one_added_policy_statement_is_one_change_not_the_whole_policy() -> None:
    statements = [
        {"Sid": f"S{i}", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]} for i in range(5)
    ]
    added = {"Sid": "New", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": ["*"]}
    old = json.dumps({"Version": "2012-10-17", "Statement": statements})
    new = json.dumps({"Version": "2012-10-17", "Statement": [*statements[:2], added, *statements[2:]]})
    assert _walk("policy", old, new) == [FieldChange("policy.Statement[2]", None, added)]


def test_a_changed_dashboard_widget_property_is_its_path_only() -> None:
    widgets = [{"type": "metric", "properties": {"title": f"w{i}", "period": 60}} for i in range(4)]
    changed = json.loads(json.dumps(widgets))
    changed[3]["properties"]["period"] = 300
    assert _walk("dashboardBody", json.dumps({"widgets": widgets}), json.dumps({"widgets": changed})) == [
        FieldChange("dashboardBody.widgets[3].properties.period", 60, 300)
    ]


def test_user_data_is_diffed_by_changed_lines() -> None:
    script = "#!/bin/bash\nset -eu\n" + "".join(f"echo step {i}\n" for i in range(40))
    old = base64.b64encode(script.encode()).decode()
    new = base64.b64encode(script.replace("echo step 7", "echo step seven").encode()).decode()
    assert _walk("userData", old, new) == [FieldChange("userData line 10", "echo step 7", "echo step seven")]


def test_diff_config_compares_two_settings_files(tmp_path: Path) -> None:
    other = tmp_path / "Pulumi.bigger.yaml"
    other.write_text(EXAMPLE.read_text().replace("tap:greenMaxSize: 9", "tap:greenMaxSize: 12"))
    argv = ["plan", "--phase", "blue-green", "--config", str(EXAMPLE), "--diff-config", str(other), "--json"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["resources"] == [
        {
            "kind": "update",
            "type": "aws:autoscaling/group:Group",
            "name": "prod-asg-green-pay01",
            "fields": [{"path": "maxSize", "old": 9, "new": 12}],
        }
    ]
    assert doc["outputs"] == [{"name": "green_asg_max_size", "old": 9, "new": 12}]


def test_diff_text_prints_values_verbatim(plans: Callable[[Phase], Plan]) -> None:
    result = runner.invoke(app, ["plan", "--diff-from", "initial", "--phase", "traffic-shift-10"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "minSize: 0 -> 3" in text and "3.0" not in text
    assert ":secret:rds!db-" in text  # not an emoji
    assert "policy.Statement[" in text and '"Version": "2012-10-17"' not in text
