"""SPEC R10: topic, alarms and dashboard."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tap.offline.plan import Plan
from tap.phases import Phase

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def alarms(plan: Plan) -> dict[str, dict[str, Any]]:
    return {a.name.removeprefix("prod-").removesuffix("-alarm-pay01"): a.inputs for a in plan.of_type(ALARM)}


def test_r10_1_topic_is_encrypted_with_the_key_and_mails_the_subscribers(plan: Plan) -> None:
    topic = plan.one("aws:sns/topic:Topic")
    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    assert topic.get("name") == "prod-alarms-pay01"
    assert topic.get("kmsMasterKeyId") == key.outputs["arn"]
    (sub,) = plan.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert (sub.get("topic"), sub.get("protocol"), sub.get("endpoint")) == (
        topic.outputs["arn"],
        "email",
        "payments-oncall@example.com",
    )


def test_r10_2_every_alarm_notifies_the_topic_on_alarm_and_ok_with_a_missing_data_rule(
    any_phase_plan: Plan,
) -> None:
    topic = any_phase_plan.one("aws:sns/topic:Topic").outputs["arn"]
    for a in any_phase_plan.of_type(ALARM):
        assert a.get("alarmActions") == [topic] and a.get("okActions") == [topic], a.name
        assert a.get("treatMissingData") in {"breaching", "notBreaching"}, a.name


def test_r10_2_thresholds_periods_and_dimensions(plan: Plan) -> None:
    a = alarms(plan)
    asg = plan.one("aws:autoscaling/group:Group", "prod-asg-green-pay01").outputs["name"]
    cpu = a["green-cpu"]
    assert (cpu["threshold"], cpu["period"], cpu["evaluationPeriods"]) == (80, 300, 2)
    assert cpu["dimensions"] == {"AutoScalingGroupName": asg}
    assert a["rds-cpu"]["threshold"] == 80
    assert a["rds-connections"]["threshold"] == 80
    assert a["rds-free-storage"]["threshold"] == 10 * 1024**3
    assert a["rds-cpu"]["dimensions"] == {"DBInstanceIdentifier": plan.outputs["db_instance_identifier"]}
    unhealthy = a["green-unhealthy-hosts"]
    assert (unhealthy["threshold"], unhealthy["period"]) == (2, 60)
    assert unhealthy["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
    tg_suffix = plan.outputs["target_group_green_arn_suffix"]
    assert unhealthy["dimensions"]["TargetGroup"] == tg_suffix


def test_r10_2_error_rate_and_p99_use_metric_math_on_one_minute_green_data(plan: Plan) -> None:
    a = alarms(plan)
    rate = {q["id"]: q for q in a["green-5xx-rate"]["metricQueries"]}
    assert rate["rate"]["expression"] == "IF(requests > 0, 100 * errors / requests, 0)"
    assert rate["errors"]["metric"]["metricName"] == "HTTPCode_Target_5XX_Count"
    assert rate["errors"]["metric"]["period"] == 60
    assert (
        rate["errors"]["metric"]["dimensions"]["TargetGroup"] == plan.outputs["target_group_green_arn_suffix"]
    )
    (p99,) = a["green-p99-latency"]["metricQueries"]
    assert (p99["metric"]["stat"], p99["metric"]["period"]) == ("p99", 60)


def test_r10_2_health_check_alarms_watch_both_route53_checks(plan: Plan) -> None:
    a = alarms(plan)
    assert a["green-health-check"]["dimensions"] == {"HealthCheckId": plan.outputs["green_health_check_id"]}
    assert a["dev-health-check"]["dimensions"] == {"HealthCheckId": plan.outputs["dev_health_check_id"]}
    assert a["dev-health-check"]["treatMissingData"] == "breaching"


def test_r10_3_dashboard_shows_requests_errors_latency_hosts_cpu_and_connections(plan: Plan) -> None:
    body = json.loads(plan.one("aws:cloudwatch/dashboard:Dashboard").get("dashboardBody"))
    titles = {w["properties"]["title"] for w in body["widgets"]}
    assert {
        "Requests per target group",
        "Target 5xx per target group",
        "p99 latency (s)",
        "Healthy hosts",
        "Fleet CPU (%)",
        "Database connections",
    } <= titles


def test_r12_1_alarm_outputs_name_the_alarms(plan: Plan) -> None:
    names = {a.outputs["name"] for a in plan.of_type(ALARM)}
    assert set(plan.outputs["alarm_names"]) == names
    assert plan.outputs["alarm_green_5xx_name"] in names


def test_r10_2_green_health_check_alarm_exists_only_while_green_runs(plans: Callable[[Phase], Plan]) -> None:
    from tap.phases import PHASES

    for phase in PHASES:
        plan = plans(phase)
        names = {a.name for a in plan.of_type(ALARM)}
        has_alarm = "prod-green-health-check-alarm-pay01" in names
        assert has_alarm == plan.settings.phase_plan.green_runs, phase
