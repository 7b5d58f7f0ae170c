"""Appliers: the Automation API at its boundary, the Route53 applier for real on moto."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from tap.emulator.stand_in import StandIn
from tap.migration.appliers import PHASE_CONFIG_KEY, PulumiApplier, Route53Applier
from tap.migration.deployment import Deployment
from tap.migration.errors import ApplyFailed
from tap.phases import Phase, plan_for


class RecordingStack:
    def __init__(self, result: str = "succeeded", fail: Exception | None = None) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.result = result
        self.fail = fail

    def set_config(self, key: str, value: Any, *, path: bool = False) -> None:
        self.calls.append(("set_config", (key, value.value, value.secret, path)))

    def up(self, *, on_output: Any = None, message: str | None = None) -> Any:
        self.calls.append(("up", message))
        if self.fail is not None:
            raise self.fail
        on_output("Resources: 3 updated")
        return SimpleNamespace(summary=SimpleNamespace(result=self.result))


def test_r15_1_pulumi_applier_selects_the_stack_sets_the_phase_and_updates(settings: Any) -> None:
    stack = RecordingStack()
    selected: list[tuple[str, str]] = []

    def factory(name: str, work_dir: str) -> RecordingStack:
        selected.append((name, work_dir))
        return stack

    lines: list[str] = []
    applied = PulumiApplier("prod", Path("/srv/tap"), factory).apply(
        plan_for(Phase.TRAFFIC_SHIFT_50, settings.fleet_sizes), lines.append
    )
    assert selected == [("prod", "/srv/tap")]
    assert stack.calls[0] == ("set_config", (PHASE_CONFIG_KEY, "traffic-shift-50", False, False))
    assert stack.calls[1][0] == "up" and "traffic-shift-50" in stack.calls[1][1]
    assert lines == ["Resources: 3 updated"]  # update output streamed to the caller
    assert applied.phase == "traffic-shift-50"


@pytest.mark.parametrize(
    "stack", [RecordingStack(result="failed"), RecordingStack(fail=RuntimeError("no CLI"))]
)
def test_r15_1_a_failed_update_stops_the_step(settings: Any, stack: RecordingStack) -> None:
    applier = PulumiApplier("prod", Path("."), lambda _n, _w: stack)
    with pytest.raises(ApplyFailed, match="prod"):
        applier.apply(plan_for(Phase.TRAFFIC_SHIFT_10, settings.fleet_sizes), lambda _l: None)


@pytest.mark.moto
def test_r15_2_route53_applier_changes_only_the_weights(stand_in: StandIn, settings: Any) -> None:
    r53 = stand_in.route53
    zone = stand_in.outputs["hosted_zone_id"]
    before = {
        s["SetIdentifier"]: s
        for s in r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
        if "SetIdentifier" in s
    }
    applier = Route53Applier(r53, Deployment.from_flat(stand_in.outputs), stand_in.clock)
    applied = applier.apply(plan_for(Phase.TRAFFIC_SHIFT_50, settings.fleet_sizes), lambda _l: None)
    after = {
        s["SetIdentifier"]: s
        for s in r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
        if "SetIdentifier" in s
    }
    assert stand_in.weights() == {"blue": 50, "green": 50}
    for ident in (stand_in.dev_id, stand_in.green_id):
        assert {k: v for k, v in after[ident].items() if k != "Weight"} == {
            k: v for k, v in before[ident].items() if k != "Weight"
        }
    assert applied.insync_seconds == 0  # the emulator reports INSYNC at once
    assert stand_in.deployed_phase() == "blue-green"  # no reconcile given: stack untouched


@pytest.mark.moto
def test_r15_2_route53_applier_refuses_when_a_record_is_missing(stand_in: StandIn, settings: Any) -> None:
    outputs = {**stand_in.outputs, "dev_record_set_identifier": "no-such-set"}
    applier = Route53Applier(stand_in.route53, Deployment.from_flat(outputs), stand_in.clock)
    with pytest.raises(ApplyFailed, match="no-such-set"):
        applier.apply(plan_for(Phase.BLUE_GREEN, settings.fleet_sizes), lambda _l: None)
    assert stand_in.weights() == {"blue": 100, "green": 0}


@pytest.mark.moto
def test_r15_2_a_throttled_route53_call_is_retried(stand_in: StandIn, settings: Any) -> None:
    r53 = stand_in.route53
    attempts: list[str] = []

    def throttle_once(request: Any, **_: Any) -> AWSResponse | None:
        attempts.append(request.url)
        if len(attempts) > 1:
            return None  # let the retry through to the emulator
        body = (
            b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            b"<Message>Rate exceeded</Message></Error></ErrorResponse>"
        )
        raw = SimpleNamespace(stream=lambda **_k: iter([body]))
        return AWSResponse(request.url, 400, {"Content-Type": "text/xml"}, raw)

    event = "before-send.route-53.ChangeResourceRecordSets"
    r53.meta.events.register(event, throttle_once)
    try:
        Route53Applier(r53, Deployment.from_flat(stand_in.outputs), stand_in.clock).apply(
            plan_for(Phase.TRAFFIC_SHIFT_10, settings.fleet_sizes), lambda _l: None
        )
    finally:
        r53.meta.events.unregister(event, throttle_once)
    assert len(attempts) == 2  # throttled once, retried once by the client's retry policy
    assert stand_in.weights() == {"blue": 90, "green": 10}
