"""SPEC R14.2, R14.5: `tap verify` and the policy summary of `tap plan`, through typer's runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from tap.cli import app
from tap.offline.plan import Plan
from tap.phases import Phase, parse_phase
from tests.conftest import EXAMPLE
from tests.reachability.test_plan import open_db_group

runner = CliRunner()


@pytest.fixture(autouse=True)
def cached_renders(plans: Callable[[Phase], Plan], monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands render through the session's cached renders of the same settings (a render
    is the slow part; what is checked and printed is unchanged)."""

    def render(values: dict[str, Any], **_: Any) -> Plan:
        return plans(parse_phase(str(values["migrationPhase"])))

    monkeypatch.setattr("tap.cli.verify.render", render)
    monkeypatch.setattr("tap.offline.engine.render", render)  # what `tap plan` renders with


def test_r14_2_verify_json_passes_with_full_matrix() -> None:
    result = runner.invoke(app, ["verify", "--json", "--phase", "traffic-shift-50", "--config", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert data["policy"]["checks_failed"] == 0 and data["policy"]["rules"] >= 50
    cells = {(c["from"], c["to"], c["port"]): c["actual"] for c in data["reachability"]}
    assert cells[("internet", "alb", 443)] == "yes"
    assert cells[("internet", "db", 3306)] == "no"
    assert cells[("app", "internet", 443)] == "via NAT"


def test_r14_2_verify_prints_rule_table_and_matrix() -> None:
    result = runner.invoke(app, ["verify", "--phase", "blue-green", "--config", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    for text in (
        "policy rules",
        "rds-encrypted-with-customer-key",
        "reachability",
        "internet -> ALB:443",
        "PASS",
    ):
        assert text in result.stdout


def test_r14_5_verify_exits_1_and_names_the_violation(
    plans: Callable[[Phase], Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real checks on a real plan with the DB group opened to the world."""
    broken = open_db_group(plans(Phase.TRAFFIC_SHIFT_10))

    def render_broken(values: Any) -> Plan:
        return broken

    monkeypatch.setattr("tap.cli.verify.render", render_broken)
    result = runner.invoke(app, ["verify", "--phase", "traffic-shift-10", "--config", str(EXAMPLE)])
    assert result.exit_code == 1
    assert "db-open-to-world" in result.stdout
    assert "FAIL" in result.stdout and "WRONG" in result.stdout


def test_r14_5_verify_live_without_outputs_is_a_usage_error() -> None:
    result = runner.invoke(app, ["verify", "--live"])
    assert result.exit_code == 2
    assert "--outputs" in result.output


def test_r14_5_verify_unknown_phase_exits_2() -> None:
    result = runner.invoke(app, ["verify", "--phase", "traffic-shift-25", "--config", str(EXAMPLE)])
    assert result.exit_code == 2
    assert "traffic-shift-10" in result.output


def test_r14_1_plan_shows_policy_summary() -> None:
    result = runner.invoke(app, ["plan", "--json", "--phase", "snapshot", "--config", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    policy = json.loads(result.stdout)["policy"]
    assert policy["ok"] is True and policy["rules_failed"] == []
    text = runner.invoke(app, ["plan", "--phase", "snapshot", "--config", str(EXAMPLE)])
    assert f"policy: {policy['rules']} of {policy['rules']} rules passed" in text.stdout


def test_r14_5_verify_live_with_a_phase_is_a_usage_error(tmp_path: Any) -> None:
    """--phase picks the phase of the offline plan; with --live it would be silently ignored
    while the user believes that phase was checked."""
    outputs = tmp_path / "outputs.json"
    outputs.write_text("{}")
    result = runner.invoke(
        app, ["verify", "--live", "--outputs", str(outputs), "--phase", "traffic-shift-10"]
    )
    assert result.exit_code == 2
    assert "--phase" in result.output


def test_r20_verify_lists_the_deployability_rules() -> None:
    from tap.policies import deployability, deployability_stack, names
    from tap.policies.rules import ResourceRule, StackRule

    result = runner.invoke(app, ["verify", "--phase", "blue-green", "--config", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    rules: list[ResourceRule | StackRule] = [
        *deployability.RULES,
        *names.RULES,
        *deployability_stack.STACK_RULES,
    ]
    for rule in rules:
        assert rule.name in result.output
