"""The controller end to end against moto server, with simulated time (SPEC R15, issue 6)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from tap.emulator.stand_in import StandIn
from tap.migration.errors import ApplyFailed, GateFailed, LockHeld, Paused, RolledBack
from tap.migration.records import Outcome
from tap.migration.wiring import ApplierName
from tap.phase_plan import plan_for
from tap.phases import Phase
from tests.emulator_account import sqs_client
from tests.migration.conftest import SimulatedCrash, make_controller

pytestmark = pytest.mark.moto


def outcomes(env: StandIn) -> list[tuple[str, str]]:
    ctl = make_controller(env, owner="reader")
    return [(e.to_phase, e.outcome) for e in ctl.store.history()]


def test_r15_4_full_run_from_blue_green_to_100_bakes_every_traffic_step(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    report = ctl.advance(Phase.TRAFFIC_SHIFT_100)

    assert report.end_phase == Phase.TRAFFIC_SHIFT_100.value
    assert stand_in.weights() == {"blue": 0, "green": 100}
    assert stand_in.deployed_phase() == Phase.TRAFFIC_SHIFT_100.value
    assert outcomes(stand_in) == [
        (p.value, o)
        for p in (Phase.TRAFFIC_SHIFT_10, Phase.TRAFFIC_SHIFT_50, Phase.TRAFFIC_SHIFT_100)
        for o in ("started", Outcome.SUCCEEDED)
    ]
    # Three bakes of bakeSeconds each, at least twice the TTL, ran in simulated time.
    assert stand_in.clock.elapsed >= 3 * stand_in.settings.migration.bake_seconds
    assert stand_in.settings.migration.bake_seconds >= 2 * stand_in.settings.dns.record_ttl
    # The Automation API was driven one phase at a time, in order.
    ups = [args for call, args in stand_in.pulumi_calls if call == "up"]
    assert [phase for _, phase in ups] == ["traffic-shift-10", "traffic-shift-50", "traffic-shift-100"]
    # Every succeeded step carries the analyses it passed.
    succeeded = [e for e in ctl.store.history() if e.outcome == Outcome.SUCCEEDED]
    for entry in succeeded:
        analyses = [g for g in entry.gates if g["gate"] == "analysis"]
        assert len(analyses) == 180 // 60 and all(g["verdict"] == "pass" for g in analyses)
    assert ctl.store.lock_holder() is None  # released


def test_r15_2_alarm_mid_bake_rolls_back_and_weights_read_back_blue_100(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    fired: list[datetime] = []

    def fire() -> None:
        stand_in.set_alarm("green_5xx", "ALARM")
        fired.append(stand_in.clock.now())

    stand_in.clock.at(125.0, fire)  # two minutes into the 10 % bake
    with pytest.raises(RolledBack) as exc:
        ctl.advance()
    assert exc.value.exit_code == 3

    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert stand_in.deployed_phase() == Phase.BLUE_GREEN.value  # stack reconciled
    assert outcomes(stand_in)[-3:] == [
        ("traffic-shift-10", "started"),
        ("blue-green", Outcome.ROLLED_BACK),
        ("blue-green", "reconciled"),
    ]
    rollback = ctl.last_report.rollback if ctl.last_report else None
    assert rollback is not None and rollback.weights == {"blue": 100, "green": 0}
    measured = (datetime.fromisoformat(rollback.weights_back_at) - fired[0]).total_seconds()
    # Detection is the next poll tick (10 s); Route53 answers INSYNC at once on the emulator.
    assert 0 < measured <= ctl.poll_seconds
    print(f"\nsimulated alarm -> weights back: {measured:.1f} s")
    # The reconcile went through the Automation API to the rollback phase.
    assert stand_in.pulumi_calls[-1] == ("up", ("prod", "blue-green"))


def test_r15_1_failed_analyses_up_to_the_limit_roll_back(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60, errors=50)  # 5 % of 1000 requests > 1 % threshold
    ctl = make_controller(stand_in)
    with pytest.raises(RolledBack, match="2 failed analyses"):
        ctl.advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    # Detected after failureLimit analyses: interval x limit, the budget's detection term.
    rollback = ctl.last_report.rollback if ctl.last_report else None
    assert rollback is not None
    budget = (
        stand_in.settings.migration.analysis_interval_seconds
        * stand_in.settings.migration.analysis_failure_limit
    )
    assert stand_in.clock.elapsed <= budget + ctl.poll_seconds
    print(
        f"\nsimulated bake start -> weights back after {budget} s of failing analyses: "
        f"{stand_in.clock.elapsed:.1f} s (budget detection term {budget} s)"
    )


def test_r15_3_lifecycle_events_reach_the_alarm_topic(stand_in: StandIn) -> None:
    sqs = sqs_client(stand_in.clients)
    queue = sqs.create_queue(QueueName="oncall")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stand_in.clients.client("sns").subscribe(
        TopicArn=stand_in.outputs["alarm_topic_arn"], Protocol="sqs", Endpoint=arn
    )
    stand_in.feed_metrics(60)
    stand_in.clock.at(65.0, lambda: stand_in.set_alarm("green_p99", "ALARM"))
    with pytest.raises(RolledBack):
        make_controller(stand_in).advance()
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]]
    subjects = [json.loads(b)["Subject"] for b in bodies]
    assert "tap migrate traffic-shift-10 -> blue-green: rolled-back" in subjects


def test_r15_1_no_metric_data_pauses_instead_of_passing(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60, alb=False)  # dev DB data only: green reports nothing
    ctl = make_controller(stand_in)
    with pytest.raises(Paused) as exc:
        ctl.advance()
    assert exc.value.exit_code == 5
    # Paused, not rolled back and not passed: 10 % stays, nobody marked it good.
    assert stand_in.weights() == {"blue": 90, "green": 10}
    assert outcomes(stand_in)[-1] == ("traffic-shift-10", "paused")
    with pytest.raises(Paused):
        make_controller(stand_in, owner="b").advance()

    # A human looks, data arrives, resume: the paused phase is judged before anything moves on.
    stand_in.feed_metrics(60, start_minute=0)
    make_controller(stand_in, owner="human").resume("looked at the dashboard")
    report = make_controller(stand_in, owner="b").advance()
    assert report.end_phase == "traffic-shift-10"
    assert outcomes(stand_in)[-2:] == [
        ("traffic-shift-10", "resumed"),
        ("traffic-shift-10", Outcome.SUCCEEDED),
    ]


def test_r15_1_unhealthy_green_blocks_advance(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ec2 = stand_in.clients.client("ec2")
    (asg,) = stand_in.clients.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[stand_in.outputs["green_asg_name"]]
    )["AutoScalingGroups"]
    ec2.stop_instances(InstanceIds=[asg["Instances"][0]["InstanceId"]])
    ctl = make_controller(stand_in)
    with pytest.raises(GateFailed, match="capacity") as exc:
        ctl.advance()
    assert exc.value.exit_code == 3
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert not [c for c in stand_in.pulumi_calls if c[0] == "up"]
    assert outcomes(stand_in) == [("traffic-shift-10", "refused")]


def test_r15_3_crash_after_weight_change_before_history_write_resumes(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    with pytest.raises(SimulatedCrash):
        make_controller(stand_in, owner="laptop-1", crash_after_up=True).advance()
    assert stand_in.weights() == {"blue": 90, "green": 10}  # the update happened...
    assert outcomes(stand_in) == [("traffic-shift-10", "started")]  # ...its result was never written

    report = make_controller(stand_in, owner="laptop-2").advance()
    assert report.end_phase == "traffic-shift-10"
    assert outcomes(stand_in) == [
        ("traffic-shift-10", "started"),
        ("traffic-shift-10", "resumed"),
        ("traffic-shift-10", Outcome.SUCCEEDED),
    ]
    # Found applied from the observed weights and deployed phase: not applied a second time.
    assert [c for c in stand_in.pulumi_calls if c[0] == "up"] == [("up", ("prod", "traffic-shift-10"))]


def test_r15_3_second_controller_is_refused_until_the_lease_expires(stand_in: StandIn) -> None:
    first = make_controller(stand_in, owner="controller-a")
    first.store.acquire()
    second = make_controller(stand_in, owner="controller-b")
    with pytest.raises(LockHeld) as exc:
        second.advance()
    assert exc.value.exit_code == 4 and exc.value.owner == "controller-a"
    stand_in.clock.sleep(first.store.lease_seconds + 1)  # controller-a died without releasing
    second.store.acquire()
    holder = second.store.lock_holder()
    assert holder is not None and holder[0] == "controller-b"


def test_r15_2_rollback_request_wins_mid_bake(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, owner="baker")
    operator = make_controller(stand_in, owner="operator")
    stand_in.clock.at(125.0, lambda: operator.store.request_rollback("customer reports"))
    with pytest.raises(RolledBack, match="rollback requested"):
        ctl.advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert any(o == Outcome.ROLLED_BACK for _, o in outcomes(stand_in))


def test_r15_2_explicit_rollback_from_50_goes_to_zero_green(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    make_controller(stand_in).advance(Phase.TRAFFIC_SHIFT_50)
    report = make_controller(stand_in, owner="operator").rollback("manual")
    assert report.end_phase == "blue-green"
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert stand_in.deployed_phase() == "blue-green"


def test_issue6_complete_waits_for_the_rollback_window(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    ctl.advance(Phase.TRAFFIC_SHIFT_100)
    with pytest.raises(GateFailed, match="rollback-window"):
        ctl.advance()
    assert stand_in.weights()["blue"] == 0  # the dev record is still there, warm
    stand_in.clock.sleep(stand_in.settings.migration.rollback_window_seconds)
    report = ctl.advance()
    assert report.end_phase == "complete"
    assert stand_in.weights() == {"blue": None, "green": 100}


def test_r15_3_an_interrupted_rollback_is_finished_never_undone(stand_in: StandIn, settings: Any) -> None:
    """Died after the emergency weight flip, before any history row: resume must not re-apply 10 %."""
    ctl = make_controller(stand_in, owner="laptop-1")
    ctl.store.append("blue-green", "traffic-shift-10", "started", "operator")
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    ctl.emergency.shift(plan_for(Phase.BLUE_GREEN, settings.fleet_sizes))  # then the laptop died

    with pytest.raises(RolledBack, match="half done"):
        make_controller(stand_in, owner="laptop-2").advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert stand_in.deployed_phase() == "blue-green"
    assert [args for call, args in stand_in.pulumi_calls if call == "up"] == [("prod", "blue-green")]
    assert outcomes(stand_in)[-2:] == [("blue-green", Outcome.ROLLED_BACK), ("blue-green", "reconciled")]


def test_r15_3_drift_between_weights_and_deployed_phase_refuses_advance(
    stand_in: StandIn, settings: Any
) -> None:
    stand_in.feed_metrics(60)
    make_controller(stand_in).emergency.shift(plan_for(Phase.TRAFFIC_SHIFT_50, settings.fleet_sizes))
    with pytest.raises(GateFailed, match="tap migrate rollback"):
        make_controller(stand_in).advance()
    assert stand_in.weights() == {"blue": 50, "green": 50}  # refused, not touched


def test_r15_3_crash_before_the_update_reruns_the_step_with_its_gates(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    with pytest.raises(SimulatedCrash):
        make_controller(stand_in, owner="laptop-1", crash_before_up=True).advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    make_controller(stand_in, owner="laptop-2").advance()
    assert stand_in.weights() == {"blue": 90, "green": 10}
    assert outcomes(stand_in) == [
        ("traffic-shift-10", "started"),
        ("traffic-shift-10", "note"),
        ("traffic-shift-10", "started"),
        ("traffic-shift-10", Outcome.SUCCEEDED),
    ]


def test_r15_2_rollback_after_complete_goes_through_the_stack_to_recreate_the_dev_record(
    stand_in: StandIn,
) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    ctl.advance(Phase.TRAFFIC_SHIFT_100)
    stand_in.clock.sleep(stand_in.settings.migration.rollback_window_seconds)
    ctl.advance()
    assert stand_in.weights() == {"blue": None, "green": 100}
    report = ctl.rollback("payment errors after complete")
    assert report.end_phase == "blue-green"
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert stand_in.pulumi_calls[-1] == ("up", ("prod", "blue-green"))


def test_r15_1_route53_applier_moves_weights_then_reconciles_the_stack(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, applier=ApplierName.ROUTE53)
    ctl.advance()
    assert stand_in.weights() == {"blue": 90, "green": 10}
    assert stand_in.deployed_phase() == "traffic-shift-10"
    assert [args for call, args in stand_in.pulumi_calls if call == "up"] == [("prod", "traffic-shift-10")]


def test_r15_2_rollback_wins_even_when_the_lock_holder_does_not_answer(stand_in: StandIn) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    holder = make_controller(stand_in, owner="stuck-in-pulumi-up")
    holder.store.acquire()
    operator = make_controller(stand_in, owner="operator")
    report = operator.rollback("pager")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert stand_in.clock.elapsed == 3 * operator.poll_seconds  # waited three ticks for the holder
    assert holder.store.rollback_request().active  # left for the holder to act on and reconcile
    assert any("stuck-in-pulumi-up" in w for w in report.warnings)


def test_r15_2_rollback_is_handed_to_the_lock_holder_when_it_answers(stand_in: StandIn) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    holder = make_controller(stand_in, owner="baker")
    holder.store.acquire()

    def holder_rolls_back() -> None:  # what the baking holder does at its next tick
        holder.store.take_rollback_request()
        holder.emergency.shift(plan_for(Phase.BLUE_GREEN, stand_in.settings.fleet_sizes))

    stand_in.clock.at(5.0, holder_rolls_back)
    operator = make_controller(stand_in, owner="operator")
    report = operator.rollback("pager")
    assert any("took the rollback request and moved the weights" in w for w in report.warnings)
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert report.rollback is None  # the holder did it, not the operator
    assert stand_in.clock.elapsed < 3 * operator.poll_seconds  # and nobody waited out the hand-off


def test_r15_2_a_pending_rollback_request_comes_before_any_advance(stand_in: StandIn) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    make_controller(stand_in, owner="operator").store.request_rollback("pager")
    with pytest.raises(RolledBack, match="pending rollback request"):
        make_controller(stand_in).advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert stand_in.deployed_phase() == "blue-green"


def test_r15_3_a_failed_update_is_recorded_and_the_next_advance_runs_the_step_again(
    stand_in: StandIn,
) -> None:
    stand_in.feed_metrics(60)
    with pytest.raises(ApplyFailed) as exc:
        make_controller(stand_in, fail_up=True).advance()
    assert exc.value.exit_code == 1
    assert outcomes(stand_in) == [("traffic-shift-10", "started"), ("traffic-shift-10", "failed")]
    make_controller(stand_in).advance()
    assert stand_in.weights() == {"blue": 90, "green": 10}
    assert outcomes(stand_in)[-2:] == [
        ("traffic-shift-10", "started"),
        ("traffic-shift-10", Outcome.SUCCEEDED),
    ]
