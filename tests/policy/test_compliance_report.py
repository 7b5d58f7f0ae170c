"""SPEC R19: every rule names the controls it evidences, in one table, and `tap verify --report`
turns the rule results into control-by-control evidence that fails where a resource fails."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tap import aws_types as t
from tap.cli import app
from tap.offline.plan import Plan
from tap.phases import Phase, parse_phase
from tap.policies.controls import CONTROLS, DEVIATIONS, OPERATIONAL, RULE_CONTROLS
from tap.policies.evidence import FAIL, PASS, build_report
from tap.policies.offline import PolicyReport, ResourceArgs, check_plan, run_resource_rules
from tap.policies.registry import ALL_RULES
from tests.conftest import EXAMPLE
from tests.policy.examples import compliant_with

runner = CliRunner()


def test_r19_every_rule_names_controls_from_the_one_table() -> None:
    names = {r.name for r in ALL_RULES}
    assert sorted(n for n in names if not RULE_CONTROLS.get(n) and n not in OPERATIONAL) == []
    # no entry for a rule that does not exist
    assert sorted((set(RULE_CONTROLS) | set(OPERATIONAL)) - names) == []
    assert not set(RULE_CONTROLS) & set(OPERATIONAL)  # a rule evidences controls or is operational, not both
    assert {c for ids in RULE_CONTROLS.values() for c in ids} <= CONTROLS.keys()
    assert {c for d in DEVIATIONS for c in d.controls} <= CONTROLS.keys()
    for rule in ALL_RULES:
        assert [c.id for c in rule.controls] == list(RULE_CONTROLS.get(rule.name, ()))


def test_r19_verify_report_offline_lists_every_rule_under_its_controls(
    plans: Callable[[Phase], Plan], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def render(values: dict[str, Any]) -> Plan:
        return plans(parse_phase(str(values["migrationPhase"])))

    monkeypatch.setattr("tap.cli.verify.render", render)
    out = tmp_path / "evidence"
    result = runner.invoke(
        app, ["verify", "--phase", "traffic-shift-10", "--config", str(EXAMPLE), "--report", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "compliance-report.json").read_text())
    under = {c["id"]: {r["rule"] for r in c["rules"]} for c in data["controls"]}
    for rule, ids in RULE_CONTROLS.items():
        for cid in ids:
            assert rule in under[cid], (rule, cid)
    assert all(c["status"] != FAIL for c in data["controls"])
    waf = next(c for c in data["controls"] if c["id"] == "FSBP WAF.11")
    assert waf["status"] == PASS and any(
        "WebAclLoggingConfiguration" in r for x in waf["rules"] for r in x["resources"]
    )
    elb1 = next(c for c in data["controls"] if c["id"] == "FSBP ELB.1")
    assert elb1["deviations"] == ["no-port-80-redirect"]
    markdown = (out / "compliance-report.md").read_text()
    assert "## PCI DSS v4.0" in markdown and "PCI 10.5.1" in markdown
    assert "No migration history" in markdown  # an offline plan has no change evidence


def test_r19_a_failing_resource_flips_its_controls_to_fail(plan: Plan) -> None:
    good = check_plan(plan)
    bad_props = compliant_with(t.WAF_LOGGING, redactedFields=[{"singleHeader": {"name": "authorization"}}])
    bad = run_resource_rules([ResourceArgs(t.WAF_LOGGING, bad_props, "urn:bad", "leaky-logging")])
    report = build_report(PolicyReport(good.findings + tuple(bad), good.rules), "test")
    for cid in RULE_CONTROLS["waf-logging-redacts-credentials"]:
        control = report.control(cid)
        assert control.status == FAIL, cid
        (failing,) = [r for r in control.rules if r.status == FAIL]
        assert any("leaky-logging" in m and "cookie" in m for m in failing.failures)
    assert report.control("PCI 10.5.1").status == PASS
    assert build_report(good, "test").control("FSBP WAF.11").status == PASS


def test_r19_controls_without_checks_in_this_phase_are_not_evidenced(plans: Callable[[Phase], Plan]) -> None:
    """Before the database exists its backup and audit rules check nothing: not a pass."""
    report = build_report(check_plan(plans(Phase.INITIAL)), "initial")
    assert report.control("FSBP RDS.3").status == "not evidenced"
    assert report.control("FSBP WAF.11").status == PASS


def test_r19_report_into_an_unwritable_place_is_a_message_not_a_traceback(
    plans: Callable[[Phase], Plan], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("tap.cli.verify.render", lambda values: plans(Phase.INITIAL))
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(
        app, ["verify", "--phase", "initial", "--config", str(EXAMPLE), "--report", str(blocker / "sub")]
    )
    assert result.exit_code != 0
    assert "cannot write the compliance report" in result.output
    assert "Traceback" not in result.output
