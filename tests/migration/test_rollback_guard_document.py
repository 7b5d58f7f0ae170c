"""The rollback guard's Automation document, run against moto (issue 12): each `aws:executeAwsApi`
step's inputs are executed through boto3 exactly as SSM Automation would (Service/Api/params ->
client call), so the JSON that goes into the document is what is exercised."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tap.aws_clients import AwsClients
from tap.components.rollback_automation import automation_content
from tap.emulator.stand_in import StandIn
from tap.migration.deployment import Deployment
from tap.phase_plan import plan_for
from tap.phases import Phase
from tests.fault_proxy import FaultProxy
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


def run_execute_aws_api(clients: AwsClients, content: dict[str, Any]) -> list[dict[str, Any]]:
    """A small interpreter of `aws:executeAwsApi`: Service is the boto3 service name, Api the
    operation, every other input its parameter."""
    answers = []
    for step in content["mainSteps"]:
        assert step["action"] == "aws:executeAwsApi", step
        inputs = dict(step["inputs"])
        service, api = inputs.pop("Service"), inputs.pop("Api")
        method = re.sub(r"(?<!^)(?=[A-Z])", "_", api).lower()
        answers.append(getattr(clients.client(service), method)(**inputs))
    return answers


def guard_content(stand_in: StandIn) -> dict[str, Any]:
    dep = Deployment.from_flat(stand_in.outputs)
    target = plan_for(Phase.BLUE_GREEN, stand_in.settings.fleet_sizes)
    assert dep.weighted_record_sets is not None and dep.alarm_topic_arn is not None
    return automation_content(
        zone_id=dep.hosted_zone_id,
        record_sets=dep.weighted_record_sets,
        blue_id=dep.dev_record_id,
        green_id=dep.green_record_id,
        weights=target.weights,
        topic_arn=dep.alarm_topic_arn,
        role_arn="arn:aws:iam::123456789012:role/prod-rollback-guard-automation-pay01",
        target_phase=target.phase.value,
    )


def test_r15_2_the_guard_document_puts_the_weights_back_and_announces_it(stand_in: StandIn) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_50)
    before = {
        s["SetIdentifier"]: s
        for s in stand_in.route53.list_resource_record_sets(HostedZoneId=stand_in.outputs["hosted_zone_id"])[
            "ResourceRecordSets"
        ]
        if "SetIdentifier" in s
    }
    content = guard_content(stand_in)
    # SSM accepts it as an Automation document (schema 0.3).
    stand_in.clients.client("ssm").create_document(
        Name="prod-rollback-guard-pay01",
        Content=json.dumps(content),
        DocumentType="Automation",
        DocumentFormat="JSON",
    )
    change, published = run_execute_aws_api(stand_in.clients, content)
    assert change["ChangeInfo"]["Status"] in ("PENDING", "INSYNC") and published["MessageId"]
    assert stand_in.weights() == {"blue": 100, "green": 0}
    after = {
        s["SetIdentifier"]: s
        for s in stand_in.route53.list_resource_record_sets(HostedZoneId=stand_in.outputs["hosted_zone_id"])[
            "ResourceRecordSets"
        ]
        if "SetIdentifier" in s
    }
    for ident, rrset in after.items():  # nothing but the weight changed: alias and health check kept
        assert {k: v for k, v in rrset.items() if k != "Weight"} == {
            k: v for k, v in before[ident].items() if k != "Weight"
        }


def test_r15_2_a_controller_after_the_guard_does_not_fight_it(
    stand_in: StandIn, faults: FaultProxy, proxied_clients: AwsClients
) -> None:
    """The guard moved the weights while the laptop was dead; the next rollback finds them where
    it would put them, sends no second UPSERT, notes who did it and reconciles the stack."""
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    stand_in.outputs["rollback_guard_document_name"] = "prod-rollback-guard-pay01"
    run_execute_aws_api(stand_in.clients, guard_content(stand_in))
    ctl = make_controller(stand_in, clients=proxied_clients)
    report = ctl.rollback("after the guard")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert faults.calls("route53", "ChangeResourceRecordSets") == 0  # no fight over the weights
    assert report.rollback is not None and "rollback guard" in report.rollback.reason
    history = ctl.store.history()
    assert [e.outcome for e in history][-2:] == ["rolled-back", "reconciled"]
    assert "no UPSERT sent" in history[-2].reason
    assert stand_in.deployed_phase() == "blue-green"
