"""The in-AWS rollback guard on the mock engine (issue 12): armed exactly where the phase machine
says, its document UPSERTs the rollback target's weights of the stack's own two records, and its
roles can do nothing else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tap.offline.plan import Plan
from tap.phase_plan import plan_for
from tap.phases import PHASES, Phase

DOCUMENT = "aws:ssm/document:Document"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.mark.parametrize("phase", PHASES, ids=[p.value for p in PHASES])
def test_r15_2_guard_exists_iff_the_phase_arms_it(plans: Callable[[Phase], Plan], phase: Phase) -> None:
    plan = plans(phase)
    armed = plan.settings.phase_plan.rollback_guard_armed
    assert bool(plan.of_type(DOCUMENT)) == armed and bool(plan.of_type(RULE)) == armed
    assert (plan.outputs["rollback_guard_document_name"] is not None) == armed
    assert armed == (plan.settings.phase_plan.weights.green > 0 and plan.settings.phase_plan.dev_record)


def _public_zone(plan: Plan) -> dict[str, Any]:
    """The app's public zone (the other zone is the private writer zone, which the guard never touches)."""
    (public,) = [z for z in plan.of_type("aws:route53/zone:Zone") if not z.get("vpcs")]
    return public.outputs


def test_r15_2_document_upserts_the_rollback_weights_of_the_stacks_own_records(plan: Plan) -> None:
    doc = plan.one(DOCUMENT)
    assert doc.get("documentType") == "Automation"
    content = json.loads(doc.get("content"))
    route53, announce = content["mainSteps"]
    assert route53["action"] == announce["action"] == "aws:executeAwsApi"
    inputs = route53["inputs"]
    assert (inputs["Service"], inputs["Api"]) == ("route53", "ChangeResourceRecordSets")
    assert inputs["HostedZoneId"] == _public_zone(plan)["zoneId"]
    rollback_target = plan.settings.phase_plan.rollback_target
    assert rollback_target is not None
    target = plan_for(rollback_target, plan.settings.fleet_sizes)
    weights = {
        c["ResourceRecordSet"]["SetIdentifier"]: c["ResourceRecordSet"]["Weight"]
        for c in inputs["ChangeBatch"]["Changes"]
    }
    assert weights == {"blue-development": target.weights.blue, "green-production": target.weights.green}
    assert {c["Action"] for c in inputs["ChangeBatch"]["Changes"]} == {"UPSERT"}
    # The same record sets the stack exports for the controller (one source for both paths).
    exported = plan.outputs["weighted_record_sets"]
    for change in inputs["ChangeBatch"]["Changes"]:
        rrset = {k: v for k, v in change["ResourceRecordSet"].items() if k != "Weight"}
        assert rrset == exported[rrset["SetIdentifier"]]
    assert announce["inputs"]["TopicArn"] == plan.outputs["alarm_topic_arn"]
    assert content["assumeRole"].endswith(
        "role/" + plan.one("aws:iam/role:Role", "prod-rollback-guard-automation-pay01").outputs["name"]
    )


def test_r15_2_the_rule_fires_on_greens_alarms_and_starts_only_this_document(plan: Plan) -> None:
    rule = plan.one(RULE)
    pattern = json.loads(rule.get("eventPattern"))
    assert pattern["detail"] == {"state": {"value": ["ALARM"]}}
    # The alarms that implicate green's code (errors, latency, unhealthy targets), not its CPU.
    guarded = ("green-5xx-rate", "green-p99-latency", "green-unhealthy-hosts")
    green = {a.outputs["arn"] for a in plan.of_type(ALARM) if any(g in a.name for g in guarded)}
    assert set(pattern["resources"]) == green and len(green) == 3
    target = plan.one(TARGET)
    doc_name = plan.one(DOCUMENT).outputs["name"]
    assert target.get("arn").endswith(f":automation-definition/{doc_name}")
    events = json.loads(plan.one(ROLE_POLICY, "prod-rollback-guard-events-pay01").get("policy"))
    start, passrole = events["Statement"]
    assert start["Action"] == ["ssm:StartAutomationExecution"] and start["Resource"] == [
        target.get("arn") + ":$DEFAULT"
    ]
    assert passrole["Condition"] == {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}


def test_r15_2_the_automation_role_may_only_upsert_the_app_record_in_the_one_zone(plan: Plan) -> None:
    policy = json.loads(plan.one(ROLE_POLICY, "prod-rollback-guard-automation-pay01").get("policy"))
    change = policy["Statement"][0]
    zone = _public_zone(plan)
    assert change["Action"] == ["route53:ChangeResourceRecordSets"]
    assert change["Resource"] == [f"arn:aws:route53:::hostedzone/{zone['zoneId']}"]
    assert change["Condition"]["ForAllValues:StringEquals"] == {
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["app.payments.example.com"],
        "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
        "route53:ChangeResourceRecordSetsRecordTypes": ["A"],
    }
    actions = {a for st in policy["Statement"] for a in st["Action"]}
    assert actions == {
        "route53:ChangeResourceRecordSets",
        "sns:Publish",
        "kms:GenerateDataKey*",
        "kms:Decrypt",
    }
