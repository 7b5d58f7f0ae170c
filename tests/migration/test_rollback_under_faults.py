"""The one rollback path under AWS failures (issue 12), against moto through a fault-injecting
proxy on 127.0.0.1: the weights move whenever Route53 accepts the change, whatever else is
down; the rest is recorded where it can be and the rest said plainly.

Each test prints its fault -> weights-back time on the simulated clock (docs/controller.md)."""

from __future__ import annotations

import json

import pytest

from tap.aws_clients import AwsClients
from tap.emulator.stand_in import StandIn
from tap.migration.budget import rollback_budget
from tap.migration.errors import ApplyFailed, RolledBack
from tap.migration.records import Outcome
from tap.phases import Phase
from tests.fault_proxy import FaultProxy
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


def _measured(label: str, seconds: float) -> None:
    print(f"\n[fault -> weights back] {label}: {seconds:.1f} simulated s")


def test_ssm_500_at_100_percent_rollback_uses_the_outputs_phase(
    stand_in: StandIn, faults: FaultProxy, proxied_clients: AwsClients
) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_100)
    faults.fail("ssm", "GetParameter", "500")
    ctl = make_controller(stand_in, owner="oncall", clients=proxied_clients)
    report = ctl.rollback("pager")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert report.rollback is not None and report.rollback.phase_source == "outputs"
    assert any("phase parameter" in w and "server error" in w for w in report.warnings)
    history = ctl.store.history()
    assert [e.outcome for e in history][-2:] == [Outcome.ROLLED_BACK, Outcome.RECONCILED]
    assert stand_in.deployed_phase() == "blue-green"  # the reconcile ran at the rollback target
    _measured("ssm GetParameter 500, rollback at 100 %", report.rollback.detection_to_weights_seconds)


def test_list_call_failing_the_weights_move_without_it(
    stand_in: StandIn, faults: FaultProxy, proxied_clients: AwsClients
) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    faults.fail("route53", "ListResourceRecordSets", "500")
    report = make_controller(stand_in, clients=proxied_clients).rollback("pager")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert report.rollback is not None and report.rollback.confirmed_by == "insync"
    assert faults.calls("route53", "ChangeResourceRecordSets") == 1  # built from the outputs
    assert any("GetChange" in w and "INSYNC" in w for w in report.warnings)


def test_list_failing_during_a_bake_the_operator_request_wins_over_succeeded(
    stand_in: StandIn, faults: FaultProxy, proxied_clients: AwsClients
) -> None:
    """Before: the operator's rollback crashed in its first list call without writing its
    request, and the baking controller went on to record `succeeded`."""
    stand_in.feed_metrics(60)
    baker = make_controller(stand_in, owner="baker", clients=proxied_clients)
    operator = make_controller(stand_in, owner="operator", clients=proxied_clients)
    seen: dict[str, object] = {}

    def list_breaks_and_the_operator_rolls_back() -> None:
        faults.fail("route53", "ListResourceRecordSets", "500")
        seen["operator"] = operator.rollback("pager", handoff_seconds=0)

    stand_in.clock.at(125.0, list_breaks_and_the_operator_rolls_back)
    with pytest.raises(RolledBack, match="rollback requested during the bake"):
        baker.advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    outcomes = [(e.owner, e.outcome) for e in baker.store.history()]
    assert ("baker", Outcome.SUCCEEDED) not in outcomes
    assert ("baker", Outcome.ROLLED_BACK) in outcomes  # the holder took the request and reconciled
    assert stand_in.deployed_phase() == "blue-green"


@pytest.mark.parametrize("fault", ["500", "throttle", "reset"])
def test_automatic_rollback_retries_route53_until_it_answers(
    stand_in: StandIn, faults: FaultProxy, proxied_clients: AwsClients, fault: str
) -> None:
    """Before: botocore's 8 attempts (~5 s) and the controller exited, green at 10 %."""
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, clients=proxied_clients)

    def alarm_and_route53_down() -> None:
        stand_in.set_alarm("green_5xx", "ALARM")
        faults.fail("route53", "ChangeResourceRecordSets", fault, times=10)

    stand_in.clock.at(125.0, alarm_and_route53_down)
    with pytest.raises(RolledBack):
        ctl.advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    rollback = ctl.last_report.rollback if ctl.last_report else None
    assert rollback is not None and rollback.attempts == 11
    # Detection counts from the last tick that saw no alarm (the alarm went off between ticks).
    fired_to_back = stand_in.clock.elapsed - 125.0
    assert rollback.detection_to_weights_seconds >= fired_to_back
    _measured(f"route53 ChangeResourceRecordSets {fault} x10 during a bake (alarm)", fired_to_back)


def test_automatic_rollback_gives_up_only_at_its_deadline_and_says_so(
    stand_in: StandIn, faults: FaultProxy, proxied_clients: AwsClients
) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, clients=proxied_clients)

    def alarm_and_route53_gone() -> None:
        stand_in.set_alarm("green_5xx", "ALARM")
        faults.fail("route53", "ChangeResourceRecordSets", "500")

    stand_in.clock.at(125.0, alarm_and_route53_gone)
    with pytest.raises(ApplyFailed, match="NOT confirmed: gave up at the rollback deadline") as exc:
        ctl.advance()
    deadline = rollback_budget(stand_in.settings).weights_deadline_seconds
    assert stand_in.clock.elapsed - 125.0 >= deadline - 2 * 16  # kept trying, with backoff, ~12 min
    assert faults.calls("route53", "ChangeResourceRecordSets") > 8
    assert "server error" in str(exc.value) and "tap migrate rollback" in str(exc.value)
    assert ctl.store.rollback_request().active  # the next advance finishes it first
    assert stand_in.weights() == {"blue": 90, "green": 10}


def test_dynamodb_down_weights_move_and_the_message_says_what_was_not_recorded(
    stand_in: StandIn, faults: FaultProxy, proxied_clients: AwsClients
) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    faults.fail("dynamodb", "*", "500")
    ctl = make_controller(stand_in, clients=proxied_clients)
    with pytest.raises(ApplyFailed) as exc:
        ctl.rollback("pager")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    message = str(exc.value)
    assert "traffic is back on blue-green" in message and "no lock taken" in message
    assert "history not written" in message and "tap migrate rollback" in message
    assert ctl.last_report is not None and ctl.last_report.rollback is not None
    assert ctl.last_report.rollback.unrecorded  # what the CLI prints under "not done"
    assert not [c for c in stand_in.pulumi_calls if c[0] == "up"]  # no stack update without the lock


def test_foreign_outputs_fail_fast_naming_the_cause(
    stand_in: StandIn, faults: FaultProxy, proxied_clients: AwsClients
) -> None:
    """Outputs of another stack: the zone does not exist here. Not retried for 12 minutes."""
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    stand_in.outputs["hosted_zone_id"] = "Z0FOREIGNSTACK00000"
    ctl = make_controller(stand_in, clients=proxied_clients)
    with pytest.raises(ApplyFailed) as exc:
        ctl.rollback("pager")
    assert "NoSuchHostedZone" in str(exc.value) and "outputs of this stack" in str(exc.value)
    assert stand_in.clock.elapsed < 5


def test_a_missing_phase_parameter_falls_back_on_the_outputs(
    stand_in: StandIn, faults: FaultProxy, proxied_clients: AwsClients
) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_50)
    stand_in.clients.client("ssm").delete_parameter(Name=stand_in.outputs["migration_phase_parameter_name"])
    stand_in.outputs["migration_phase"] = json.loads('"traffic-shift-50"')
    report = make_controller(stand_in, clients=proxied_clients).rollback("pager")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert report.rollback is not None and report.rollback.phase_source == "outputs"
