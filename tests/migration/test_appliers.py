"""Appliers: the Automation API at its boundary, the Route53 applier for real on moto."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from tap.emulator.stand_in import StandIn
from tap.migration.appliers import PHASE_CONFIG_KEY, PulumiApplier, Route53Applier
from tap.migration.controller import Controller
from tap.migration.deployment import Deployment
from tap.migration.errors import ApplyFailed, RolledBack
from tap.migration.records import Outcome
from tap.migration.wiring import ApplierName, build_controller
from tap.phase_plan import plan_for
from tap.phases import Phase
from tests.migration.conftest import SWITCHED, make_controller

if TYPE_CHECKING:
    from types_boto3_route53.client import Route53Client


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
        return AWSResponse(request.url, 400, HTTPHeaders.from_dict({"Content-Type": "text/xml"}), raw)

    event = "before-send.route-53.ChangeResourceRecordSets"
    # A before-send handler may answer in place of the endpoint (botocore takes the first
    # response); the stubs type every handler as returning None.
    r53.meta.events.register(event, throttle_once)  # type: ignore[arg-type]
    try:
        Route53Applier(r53, Deployment.from_flat(stand_in.outputs), stand_in.clock).apply(
            plan_for(Phase.TRAFFIC_SHIFT_10, settings.fleet_sizes), lambda _l: None
        )
    finally:
        r53.meta.events.unregister(event, throttle_once)  # type: ignore[arg-type]
    assert len(attempts) == 2  # throttled once, retried once by the client's retry policy
    assert stand_in.weights() == {"blue": 90, "green": 10}


# ---------------------------------------------------------------------------------------------
# The route53 applier says, before it moves anything, that it cannot reconcile the stack
# (no Pulumi CLI); `--no-reconcile` moves only the weights, and `status` shows the drift
# (issue 12, item 5).
# ---------------------------------------------------------------------------------------------
def _route53_controller(stand_in: StandIn, *, reconcile: bool) -> Controller:
    return build_controller(
        stand_in.settings,
        Deployment.from_flat(stand_in.outputs),
        stand_in.clients,
        stand_in.clock,
        stack_name="prod",
        work_dir=Path("/srv/tap"),
        owner="ops",
        applier=ApplierName.ROUTE53,
        reconcile=reconcile,
        latency_stat="Maximum",
        switch_probe=lambda: SWITCHED,
    )


@pytest.mark.moto
def test_without_the_pulumi_cli_nothing_moves_and_the_reason_comes_first(
    stand_in: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `pulumi` anywhere
    stand_in.feed_metrics(60)
    ctl = _route53_controller(stand_in, reconcile=True)
    with pytest.raises(ApplyFailed, match="Pulumi CLI is not on PATH") as exc:
        ctl.advance()
    assert "Nothing was moved" in str(exc.value) and "--no-reconcile" in str(exc.value)
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert all(e.outcome != Outcome.STARTED for e in ctl.store.history())


@pytest.mark.moto
def test_no_reconcile_moves_only_the_weights_and_status_shows_the_drift(
    stand_in: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    stand_in.feed_metrics(60)
    ctl = _route53_controller(stand_in, reconcile=False)
    ctl.advance()
    assert stand_in.weights() == {"blue": 90, "green": 10}
    assert stand_in.deployed_phase() == "blue-green"  # the stack was not touched
    history = ctl.store.history()
    assert [e.outcome for e in history] == [Outcome.STARTED, Outcome.NOTE, Outcome.SUCCEEDED]
    assert "--no-reconcile" in history[1].reason and "pulumi up" in history[1].reason
    view = ctl.status()
    assert view.in_sync is False and view.weights_observed == {"blue": 90, "green": 10}


# ---------------------------------------------------------------------------------------------
# A Route53 change that stays PENDING (review of issue 6; SPEC R15.2): never reported as done,
# recorded and announced, the operator told what to check, and no `advance` past it.
# ---------------------------------------------------------------------------------------------
class PendingRoute53:
    """The real client, except that GetChange never reaches INSYNC (a Route53 incident)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def get_change(self, **kwargs: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self._real.get_change(**kwargs)
        answer["ChangeInfo"]["Status"] = "PENDING"
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.mark.moto
def test_r15_2_a_rollback_whose_change_stays_pending_is_recorded_not_reported_done(
    stand_in: StandIn,
) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, owner="baker")
    ctl.emergency.route53 = cast(
        "Route53Client", PendingRoute53(ctl.emergency.route53)
    )  # passes other calls through
    stand_in.clock.at(125.0, lambda: stand_in.set_alarm("green_5xx", "ALARM"))

    with pytest.raises(ApplyFailed) as exc:
        ctl.advance()
    message = str(exc.value)
    assert "PENDING" in message and "get-change" in message  # what to check, by id
    assert "tap migrate rollback" in message  # and what to run
    history = ctl.store.history()
    assert all(e.outcome != Outcome.ROLLED_BACK for e in history)  # not reported as done...
    last = history[-1]
    assert last.outcome == "note" and "not confirmed" in last.reason  # ...but recorded
    assert ctl.store.rollback_request().active  # the unfinished rollback stays pending

    # The next advance finishes the rollback before anything else; it never moves forward.
    stand_in.set_alarm("green_5xx", "OK")
    with pytest.raises(RolledBack, match="pending rollback request"):
        make_controller(stand_in, owner="next").advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert stand_in.deployed_phase() == "blue-green"


@pytest.mark.moto
def test_r15_1_a_forward_change_that_stays_pending_is_failed_and_says_what_green_serves(
    stand_in: StandIn,
) -> None:
    """Route53 applier, change stuck in PENDING: the step is not judged, not baked and not
    recorded as succeeded; the operator learns that green already serves the new weights
    with nobody watching, and what to run."""
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, applier=ApplierName.ROUTE53)
    assert isinstance(ctl.applier, Route53Applier)
    ctl.applier.route53 = cast(
        "Route53Client", PendingRoute53(ctl.applier.route53)
    )  # passes other calls through
    with pytest.raises(ApplyFailed) as exc:
        ctl.advance()
    message = str(exc.value)
    assert "get-change" in message
    assert "green=10" in message and "nothing is watching" in message
    assert "tap migrate rollback" in message and "tap migrate advance" in message
    history = ctl.store.history()
    assert [e.outcome for e in history] == ["started", "failed"]
    assert not [c for c in stand_in.pulumi_calls if c[0] == "up"]  # no reconcile of an unconfirmed change
