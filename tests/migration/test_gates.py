"""Each gate against the stand-in on moto: pass, fail and inconclusive (SPEC R15.1)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypedDict

import pytest

from tap.emulator.stand_in import StandIn
from tap.migration.database_gate import database_gate
from tap.migration.deployment import Deployment
from tap.migration.errors import GateFailed, Paused, RolledBack
from tap.migration.gates import (
    AnalysisSpec,
    GateResult,
    Verdict,
    alarms_gate,
    analysis_gate,
    capacity_gate,
    health_checks_gate,
)
from tap.migration.records import Outcome
from tap.migration.switch_judgement import SwitchObservation
from tap.offline.config_file import load_values
from tap.phases import Phase
from tap.settings import parse
from tests.conftest import EXAMPLE
from tests.migration.conftest import SWITCHED, make_controller

pytestmark = pytest.mark.moto


SPEC = AnalysisSpec(
    error_rate_percent=1.0,
    p99_latency_seconds=1.0,
    unhealthy_hosts_threshold=2,
    window_seconds=60,
    latency_stat="Maximum",
)


def analyse(env: StandIn, minute: int = 5) -> Verdict:
    now = env.clock.start + timedelta(minutes=minute)
    cw = env.clients.client("cloudwatch")
    return analysis_gate(cw, Deployment.from_flat(env.outputs), SPEC, now).verdict


def test_r15_1_healthy_metrics_pass_and_missing_5xx_datapoints_mean_zero_errors(stand_in: StandIn) -> None:
    stand_in.feed_metrics(10)  # no HTTPCode_Target_5XX_Count at all, as the ALB does when 0
    assert analyse(stand_in) == Verdict.PASS


class BadMinute(TypedDict, total=False):
    """One of StandIn.feed_metrics' per-minute figures, past its threshold."""

    errors: float
    latency: float
    unhealthy: float


BAD_MINUTES: list[BadMinute] = [{"errors": 11}, {"latency": 1.5}, {"unhealthy": 2}]


@pytest.mark.parametrize(
    "metrics",
    BAD_MINUTES,
    ids=["5xx-rate-over-1pct", "latency-over-1s", "two-unhealthy-hosts"],
)
def test_r15_1_each_failure_condition_fails_the_analysis(stand_in: StandIn, metrics: BadMinute) -> None:
    stand_in.feed_metrics(10, **metrics)
    assert analyse(stand_in) == Verdict.FAIL


def test_r15_1_no_data_is_inconclusive_never_a_pass(stand_in: StandIn) -> None:
    assert analyse(stand_in) == Verdict.INCONCLUSIVE
    stand_in.feed_metrics(10, requests=0)
    assert analyse(stand_in) == Verdict.INCONCLUSIVE


def test_r15_1_alarm_gate_fails_on_alarm_and_pauses_on_an_unknown_alarm(stand_in: StandIn) -> None:
    cw, alarms = stand_in.clients.client("cloudwatch"), tuple(stand_in.alarms)
    assert alarms_gate(cw, alarms).verdict == Verdict.PASS
    assert alarms_gate(cw, (*alarms, "not-created")).verdict == Verdict.INCONCLUSIVE
    # An alarm that has not evaluated (or cannot) watches nothing: inconclusive, never a pass.
    stand_in.set_alarm("green_p99", "INSUFFICIENT_DATA")
    result = alarms_gate(cw, alarms)
    assert result.verdict == Verdict.INCONCLUSIVE and stand_in.alarm_name("green_p99") in result.detail
    stand_in.set_alarm("unhealthy_hosts", "ALARM")  # a firing alarm still wins: fail, not inconclusive
    result = alarms_gate(cw, alarms)
    assert result.verdict == Verdict.FAIL and stand_in.alarm_name("unhealthy_hosts") in result.detail


def test_r15_1_capacity_gate_compares_healthy_green_targets_with_desired(stand_in: StandIn) -> None:
    dep = Deployment.from_flat(stand_in.outputs)
    elb, asg = stand_in.clients.client("elbv2"), stand_in.clients.client("autoscaling")
    ok = capacity_gate(elb, asg, dep)
    assert ok.verdict == Verdict.PASS and ok.values["healthy"] == ok.values["desired"] == 3
    asg.update_auto_scaling_group(AutoScalingGroupName=dep.green_asg_name, MinSize=0, DesiredCapacity=0)
    assert capacity_gate(elb, asg, dep).verdict == Verdict.FAIL


def _database_gate(stand_in: StandIn, dep: Deployment, now: datetime) -> GateResult:
    c = stand_in.clients
    return database_gate(
        c.client("ssm"), c.client("cloudwatch"), c.client("route53"), dep, now, lambda: SWITCHED
    )


def test_r15_1_database_gate_needs_the_writer_name_naming_prod(stand_in: StandIn) -> None:
    dep = Deployment.from_flat(stand_in.outputs)
    ssm = stand_in.clients.client("ssm")
    now = stand_in.clock.start + timedelta(minutes=3)
    assert _database_gate(stand_in, dep, now).verdict == Verdict.PASS  # CloudWatch data or not
    stand_in.feed_metrics(10, dev_connections=2)  # tap's own admin sessions count here
    assert _database_gate(stand_in, dep, now).verdict == Verdict.PASS
    # A fleet pointed at an instance address would not follow the writer switch.
    ssm.put_parameter(
        Name=dep.db_endpoint_parameter or "", Value="dev-db.example", Type="String", Overwrite=True
    )
    result = _database_gate(stand_in, dep, now)
    assert result.verdict == Verdict.FAIL and "dev-db.example" in result.detail


def test_r5_6_database_gate_refuses_green_traffic_before_the_writer_switch(stand_in: StandIn) -> None:
    dep = Deployment.from_flat(stand_in.outputs)
    stand_in.feed_metrics(10, dev_connections=0)
    now = stand_in.clock.start + timedelta(minutes=3)
    stand_in.route53.change_resource_record_sets(
        HostedZoneId=dep.writer_zone_id or "",
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": dep.writer_record_fqdn or "",
                        "Type": "CNAME",
                        "TTL": 5,
                        "ResourceRecords": [{"Value": "payments-dev-mysql.abc.us-east-1.rds.amazonaws.com"}],
                    },
                }
            ]
        },
    )
    result = _database_gate(stand_in, dep, now)
    assert result.verdict == Verdict.FAIL
    assert "payments-dev-mysql" in result.detail and "tap db cutover" in result.detail


def test_r15_1_route53_health_checks_gate(stand_in: StandIn) -> None:
    dep = Deployment.from_flat(stand_in.outputs)
    assert len(dep.health_check_ids) == 2
    assert health_checks_gate(stand_in.route53, dep.health_check_ids).verdict == Verdict.PASS
    assert health_checks_gate(stand_in.route53, ()).verdict == Verdict.INCONCLUSIVE


def test_r15_1_database_gate_fails_naming_missing_outputs(stand_in: StandIn) -> None:
    outputs = {
        k: v
        for k, v in stand_in.outputs.items()
        if k not in ("db_instance_address", "db_endpoint_parameter_name", "writer_record_fqdn")
    }
    result = _database_gate(stand_in, Deployment.from_flat(outputs), stand_in.clock.start)
    assert result.verdict == Verdict.FAIL
    assert "db_endpoint_parameter_name, db_instance_address, writer_record_fqdn" in result.detail


# ---------------------------------------------------------------------------------------------
# Alarms that cannot say anything (review of issue 6; SPEC R15.1): an alarm that disappeared
# or stopped evaluating is inconclusive during a bake too, never a pass (the gate itself:
# test_gates.py).
# ---------------------------------------------------------------------------------------------
def test_r15_1_an_alarm_deleted_mid_bake_pauses_instead_of_passing(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    cw = stand_in.clients.client("cloudwatch")
    deleted = stand_in.alarm_name("green_5xx")

    def delete_alarm() -> None:
        cw.delete_alarms(AlarmNames=[deleted])

    stand_in.clock.at(65.0, delete_alarm)
    ctl = make_controller(stand_in)
    with pytest.raises(Paused, match=deleted):
        ctl.advance()
    history = [(e.to_phase, e.outcome) for e in ctl.store.history()]
    assert ("traffic-shift-10", Outcome.SUCCEEDED) not in history
    assert history[-1] == ("traffic-shift-10", "paused")
    assert stand_in.weights() == {"blue": 90, "green": 10}  # held, not judged, not rolled back


# ---------------------------------------------------------------------------------------------
# "Both fleets on the prod DB" is a preflight gate of every step that sends green traffic
# (SPEC R15.1), not only of the first: a dev instance that comes back on the dev database at
# 10 % must stop the move to 50 % (review of issue 6).
# ---------------------------------------------------------------------------------------------
def test_r15_1_dev_database_writes_during_10_percent_stop_the_step_to_50(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    # dev fenced before the first green traffic, then unlocked by hand with a session open.
    seen = [SWITCHED, SwitchObservation(("app@%",), 3, False, True)]
    ctl = make_controller(stand_in, switch_probe=lambda: seen.pop(0) if len(seen) > 1 else seen[0])
    with pytest.raises(GateFailed, match="database"):
        ctl.advance(Phase.TRAFFIC_SHIFT_50)
    assert stand_in.weights() == {"blue": 90, "green": 10}
    history = [(e.to_phase, e.outcome) for e in ctl.store.history()]
    assert history[-1] == ("traffic-shift-50", "refused")


# ---------------------------------------------------------------------------------------------
# A bake ends only on a passing analysis: a phase is never judged healthy on a failing or
# missing measurement (review of issue 6; SPEC R15.1).
# ---------------------------------------------------------------------------------------------
def test_r15_1_a_failing_last_analysis_is_not_judged_healthy(stand_in: StandIn) -> None:
    """bake 180 s, interval 60 s, limit 2: analyses at 60 and 120 pass, the one at 180 fails.
    The bake must go on until the failure limit rolls back, not record `succeeded`."""
    stand_in.feed_metrics(2)  # minutes -10..1: clean
    stand_in.feed_metrics(60, start_minute=2, errors=50)  # from minute 2: 5 % errors > 1 %
    ctl = make_controller(stand_in)
    with pytest.raises(RolledBack, match="2 failed analyses"):
        ctl.advance()
    history = [(e.to_phase, e.outcome) for e in ctl.store.history()]
    assert (Phase.TRAFFIC_SHIFT_10.value, Outcome.SUCCEEDED) not in history
    assert stand_in.weights() == {"blue": 100, "green": 0}


def test_r15_1_a_bake_shorter_than_the_analysis_interval_still_needs_a_passing_analysis(
    stand_in: StandIn,
) -> None:
    """The settings allow bakeSeconds 120 with analysisIntervalSeconds 200: the bake would end
    before any analysis ran, and `succeeded` would rest on no data at all."""
    stand_in.settings = parse({**load_values(EXAMPLE), "bakeSeconds": 120, "analysisIntervalSeconds": 200})
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    ctl.advance()
    succeeded = [e for e in ctl.store.history() if e.outcome == Outcome.SUCCEEDED]
    assert len(succeeded) == 1
    analyses = [g for g in succeeded[0].gates if g["gate"] == "analysis"]
    assert analyses and all(g["verdict"] == "pass" for g in analyses)
    assert stand_in.clock.elapsed >= 200
