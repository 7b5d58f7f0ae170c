"""Each gate against the stand-in on moto: pass, fail and inconclusive (SPEC R15.1)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tap.migration.database_gate import database_gate
from tap.migration.deployment import Deployment
from tap.migration.gates import (
    AnalysisSpec,
    GateResult,
    Verdict,
    alarms_gate,
    analysis_gate,
    capacity_gate,
    health_checks_gate,
)
from tap.replication.gate import SwitchObservation
from tests.migration.env import ALARMS, StandIn

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


@pytest.mark.parametrize(
    "metrics",
    [{"errors": 11}, {"latency": 1.5}, {"unhealthy": 2}],
    ids=["5xx-rate-over-1pct", "latency-over-1s", "two-unhealthy-hosts"],
)
def test_r15_1_each_failure_condition_fails_the_analysis(
    stand_in: StandIn, metrics: dict[str, float]
) -> None:
    stand_in.feed_metrics(10, **metrics)
    assert analyse(stand_in) == Verdict.FAIL


def test_r15_1_no_data_is_inconclusive_never_a_pass(stand_in: StandIn) -> None:
    assert analyse(stand_in) == Verdict.INCONCLUSIVE
    stand_in.feed_metrics(10, requests=0)
    assert analyse(stand_in) == Verdict.INCONCLUSIVE


def test_r15_1_alarm_gate_fails_on_alarm_and_pauses_on_an_unknown_alarm(stand_in: StandIn) -> None:
    cw = stand_in.clients.client("cloudwatch")
    assert alarms_gate(cw, ALARMS).verdict == Verdict.PASS
    assert alarms_gate(cw, (*ALARMS, "not-created")).verdict == Verdict.INCONCLUSIVE
    # An alarm that has not evaluated (or cannot) watches nothing: inconclusive, never a pass.
    stand_in.set_alarm(1, "INSUFFICIENT_DATA")
    result = alarms_gate(cw, ALARMS)
    assert result.verdict == Verdict.INCONCLUSIVE and ALARMS[1] in result.detail
    stand_in.set_alarm(2, "ALARM")  # a firing alarm still wins: fail, not inconclusive
    result = alarms_gate(cw, ALARMS)
    assert result.verdict == Verdict.FAIL and ALARMS[2] in result.detail


def test_r15_1_capacity_gate_compares_healthy_green_targets_with_desired(stand_in: StandIn) -> None:
    dep = Deployment.from_flat(stand_in.outputs)
    elb, asg = stand_in.clients.client("elbv2"), stand_in.clients.client("autoscaling")
    ok = capacity_gate(elb, asg, dep)
    assert ok.verdict == Verdict.PASS and ok.values["healthy"] == ok.values["desired"] == 3
    asg.update_auto_scaling_group(AutoScalingGroupName=dep.green_asg_name, MinSize=0, DesiredCapacity=0)
    assert capacity_gate(elb, asg, dep).verdict == Verdict.FAIL


# The databases as a finished cutover leaves them (read on real servers in
# tests/replication/test_controller_database_gate.py; here the AWS side is under test).
SWITCHED = SwitchObservation(
    dev_unlocked=(), dev_sessions=0, prod_replicates_from_dev=False, prod_accepts_app_writes=True
)


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
