"""A rollback counts only when the weights read back (review of issue 6; SPEC R15.2): never
`rolled-back` in the history while Route53 answers otherwise, and never a hand-off that ends
with nobody moving the weights.

Rollback as a whole: confirmation that the weights read back, what holds after a rollback, the
rollback window, a rollback without the state table, and operator control between steps."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

import pytest
from botocore.exceptions import ClientError
from botocore.model import OperationModel

from tap.aws_clients import AwsClients
from tap.emulator.seed import build_stand_in
from tap.emulator.stand_in import StandIn
from tap.migration.clock import ManualClock
from tap.migration.controller import BakeTick, Controller
from tap.migration.deployment import Deployment
from tap.migration.errors import ApplyFailed, GateFailed, Paused, RolledBack
from tap.migration.records import Outcome
from tap.migration.wiring import build_controller
from tap.phases import Phase
from tap.settings import Settings
from tests.migration.conftest import SWITCHED, SimulatedStack, deployed_plan, make_controller

if TYPE_CHECKING:
    from types_boto3_dynamodb.client import DynamoDBClient
    from types_boto3_route53.client import Route53Client

pytestmark = pytest.mark.moto


class OverwrittenRoute53:
    """The real client, but after every weight change an update still in flight writes 90/10
    again: the rollback never reads back, however often it retries."""

    def __init__(self, real: Any, env: StandIn) -> None:
        self._real, self._env = real, env

    def change_resource_record_sets(self, **kwargs: Any) -> Any:
        answer = self._real.change_resource_record_sets(**kwargs)
        self._env.deploy_phase(Phase.TRAFFIC_SHIFT_10)
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_r15_2_weights_that_do_not_read_back_are_not_recorded_as_rolled_back(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    # a stand-in that passes every other call through to the real client
    ctl.emergency.route53 = cast("Route53Client", OverwrittenRoute53(ctl.emergency.route53, stand_in))
    stand_in.clock.at(125.0, lambda: stand_in.set_alarm("green_5xx", "ALARM"))
    with pytest.raises(ApplyFailed, match="NOT confirmed: gave up at the rollback deadline"):
        ctl.advance()
    assert all(e.outcome != Outcome.ROLLED_BACK for e in ctl.store.history())
    assert ctl.store.rollback_request().active  # the next advance must finish it first


def test_r15_2_a_holder_that_takes_the_request_and_dies_does_not_swallow_the_rollback(
    stand_in: StandIn,
) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    holder = make_controller(stand_in, owner="baker")
    holder.store.acquire()

    def take_and_die() -> None:
        holder.store.take_rollback_request()  # ...then the laptop died

    stand_in.clock.at(5.0, take_and_die)
    operator = make_controller(stand_in, owner="operator")
    report = operator.rollback("pager")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert report.rollback is not None and report.rollback.weights == {"blue": 100, "green": 0}


# ---------------------------------------------------------------------------------------------
# After a rollback, green gets traffic again only after a human said so (review of issue 6;
# SPEC R15.2): a re-run `advance` (a pipeline retry, a second terminal) must not send payments
# straight back to the fleet whose bake just failed.
# ---------------------------------------------------------------------------------------------
def test_r15_2_an_automatic_rollback_holds_until_a_human_resumes(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    stand_in.clock.at(125.0, lambda: stand_in.set_alarm("green_5xx", "ALARM"))
    with pytest.raises(RolledBack):
        make_controller(stand_in).advance()
    stand_in.set_alarm("green_5xx", "OK")  # traffic drained from green, so its alarm clears

    with pytest.raises(Paused, match="rolled back"):
        make_controller(stand_in, owner="pipeline-retry").advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}

    make_controller(stand_in, owner="human").resume("fixed the build, redeployed green")
    report = make_controller(stand_in, owner="human").advance()
    assert report.end_phase == "traffic-shift-10"


def test_r15_2_an_alarm_rolls_back_even_when_an_operator_paused_at_the_same_time(
    stand_in: StandIn,
) -> None:
    """The on-call sees red dashboards and runs `pause` to look; the alarm fires by the same
    tick. A pause holds the weights, but never against a firing alarm: rollback wins."""
    stand_in.feed_metrics(60)
    operator = make_controller(stand_in, owner="operator")

    def red_dashboards() -> None:
        operator.pause("dashboards red, looking")
        stand_in.set_alarm("green_5xx", "ALARM")

    stand_in.clock.at(125.0, red_dashboards)
    with pytest.raises(RolledBack):
        make_controller(stand_in).advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}


# ---------------------------------------------------------------------------------------------
# The rollback window before `complete` counts from the latest time 100 % started holding
# (review of issue 6): a hold that ended in a rollback does not count for a later return.
# ---------------------------------------------------------------------------------------------
def test_issue6_a_rollback_restarts_the_rollback_window(
    aws: AwsClients, settings: Settings, clock: ManualClock
) -> None:
    env = build_stand_in(aws, deployed_plan(Phase.TRAFFIC_SHIFT_100), clock)
    env.feed_metrics(60)
    ctl = make_controller(env)
    ctl.store.append("traffic-shift-50", "traffic-shift-100", "succeeded", "baked")
    clock.sleep(settings.migration.rollback_window_seconds)
    ctl.store.append("traffic-shift-100", "blue-green", "rolled-back", "payments failing")
    ctl.store.append("traffic-shift-100", "blue-green", "reconciled", "pulumi up blue-green")
    # Minutes later someone puts 100 % back by hand (`pulumi config set` + `pulumi up`).
    clock.sleep(300)
    env.deploy_phase(Phase.TRAFFIC_SHIFT_100)

    with pytest.raises(GateFailed, match="rollback-window"):
        ctl.advance()
    assert env.weights() == {"blue": 0, "green": 100}  # the dev record stays, warm


# ---------------------------------------------------------------------------------------------
# A rollback wins even when the state table cannot be used (review of issue 6; SPEC R15.2):
# DynamoDB throttled for good, or a permission gone, must not keep payments on a bad green.
# ---------------------------------------------------------------------------------------------
def unreachable_table(clients: AwsClients) -> DynamoDBClient:
    """A DynamoDB client of its own on which every call fails, as when the role lost dynamodb:*
    or the table is throttled (the stand-in's own client is left working)."""
    db = AwsClients(region=clients.region, endpoint_url=clients.endpoint_url).client("dynamodb")

    def deny(model: OperationModel, **_kwargs: Any) -> NoReturn:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "denied"}}, model.name)

    db.meta.events.register("before-call.dynamodb", deny)
    return db


def test_r15_2_rollback_moves_the_weights_when_the_state_table_is_unusable(stand_in: StandIn) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    operator = make_controller(stand_in, owner="operator")
    operator.store.db = unreachable_table(stand_in.clients)
    with pytest.raises(ApplyFailed) as exc:
        operator.rollback("pager")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    message = str(exc.value)
    assert "traffic is back on blue" in message
    assert "AccessDeniedException" in message and "tap migrate rollback" in message
    assert not [c for c in stand_in.pulumi_calls if c[0] == "up"]  # no unlocked stack update


# ---------------------------------------------------------------------------------------------
# Rollback requests and pauses that arrive while a step is being applied, or between the steps
# of `advance --to` (review of issue 6; SPEC R15.2): a rollback always wins, a pause holds.
# ---------------------------------------------------------------------------------------------
def test_r15_2_a_rollback_requested_during_the_update_to_complete_wins(
    aws: AwsClients, settings: Settings, clock: ManualClock
) -> None:
    """The operator's `rollback` moved the weights while the holder's `pulumi up` to `complete`
    ran; the update then removed the dev record. `complete` does not bake, so before the fix the
    holder recorded it as succeeded and left the request unread: all traffic on green."""
    env = build_stand_in(aws, deployed_plan(Phase.TRAFFIC_SHIFT_100), clock)
    env.feed_metrics(60)
    operator = make_controller(env, owner="operator")
    operator.store.append("traffic-shift-50", "traffic-shift-100", "succeeded", "baked")
    clock.sleep(settings.migration.rollback_window_seconds)

    class RequestDuringUp(SimulatedStack):
        def up(self, *, on_output: Any = None, message: str | None = None) -> Any:
            if self.phase == Phase.COMPLETE.value:
                operator.store.request_rollback("payments failing on green")
            return super().up(on_output=on_output, message=message)

    holder = build_controller(
        settings,
        Deployment.from_flat(env.outputs),
        env.clients,
        clock,
        stack_name="prod",
        work_dir=Path("/srv/tap"),
        owner="holder",
        stack_factory=lambda name, work_dir: RequestDuringUp(env, name, work_dir),
        latency_stat="Maximum",
        switch_probe=lambda: SWITCHED,
    )
    with pytest.raises(RolledBack, match="rollback requested"):
        holder.advance()
    assert env.weights() == {"blue": 100, "green": 0}
    assert env.deployed_phase() == Phase.BLUE_GREEN.value
    assert not holder.store.rollback_request().active


def pause_when_bake_ends(ctl: Controller, phase: Phase) -> None:
    def progress(tick: BakeTick) -> None:
        if tick.phase == phase and tick.elapsed >= tick.total:
            ctl.store.set_paused(True, "on-call wants to look at 10 % first")

    ctl.progress = progress


def test_r15_2_a_pause_between_the_steps_of_advance_to_holds_the_weights(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    pause_when_bake_ends(ctl, Phase.TRAFFIC_SHIFT_10)
    with pytest.raises(Paused):
        ctl.advance(Phase.TRAFFIC_SHIFT_100)
    assert stand_in.weights() == {"blue": 90, "green": 10}
    assert [args for call, args in stand_in.pulumi_calls if call == "up"] == [("prod", "traffic-shift-10")]
