"""Gates: read-only checks through boto3 that decide whether a step may run or a phase holds.

Each gate returns a `GateResult` (`tap.migration.verdicts`). The metric analysis lives in
`tap.migration.analysis`, the database gate in `tap.migration.database_gate`; the names below
are re-exported so that callers have one place to import gates from.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tap.migration.analysis import AnalysisSpec, analysis_gate, evaluate_analysis, metric_queries
from tap.migration.deployment import Deployment
from tap.migration.dns import ObservedWeights
from tap.migration.verdicts import GateResult, Verdict, worst

if TYPE_CHECKING:
    from types_boto3_autoscaling.client import AutoScalingClient
    from types_boto3_cloudwatch.client import CloudWatchClient
    from types_boto3_elbv2.client import ElasticLoadBalancingv2Client
    from types_boto3_route53.client import Route53Client
    from types_boto3_ssm.client import SSMClient

__all__ = [
    "AnalysisSpec",
    "GateResult",
    "Verdict",
    "alarms_gate",
    "analysis_gate",
    "capacity_gate",
    "dns_readback_gate",
    "evaluate_analysis",
    "health_checks_gate",
    "metric_queries",
    "read_deployed_phase",
    "worst",
]


# -- alarms (the fast path) --------------------------------------------------------------------
def alarms_gate(cloudwatch: CloudWatchClient, names: tuple[str, ...]) -> GateResult:
    if not names:
        return GateResult(
            "alarms", Verdict.INCONCLUSIVE, "no alarms listed in the outputs: nothing watches green"
        )
    states: dict[str, str] = {}
    for i in range(0, len(names), 100):  # DescribeAlarms takes at most 100 names
        page = cloudwatch.describe_alarms(AlarmNames=list(names[i : i + 100]), AlarmTypes=["MetricAlarm"])
        states.update({a["AlarmName"]: a["StateValue"] for a in page["MetricAlarms"]})
    firing = sorted(n for n, s in states.items() if s == "ALARM")
    missing = sorted(set(names) - set(states))
    # INSUFFICIENT_DATA: the alarm has not evaluated (just created or changed) or cannot; the
    # stack's alarms all set treat_missing_data, so it is not "no errors". It watches nothing.
    blind = sorted(n for n, s in states.items() if s == "INSUFFICIENT_DATA")
    if firing:
        return GateResult("alarms", Verdict.FAIL, "in ALARM: " + ", ".join(firing), {"states": states})
    if missing or blind:
        found = [f"alarms not found: {', '.join(missing)}"] if missing else []
        found += [f"in INSUFFICIENT_DATA: {', '.join(blind)}"] if blind else []
        return GateResult("alarms", Verdict.INCONCLUSIVE, "; ".join(found), {"states": states})
    return GateResult("alarms", Verdict.PASS, f"{len(states)} alarm(s), none in ALARM", {"states": states})


# -- capacity ----------------------------------------------------------------------------------
def capacity_gate(
    elbv2: ElasticLoadBalancingv2Client, autoscaling: AutoScalingClient, dep: Deployment
) -> GateResult:
    """Green must be able to take the traffic before it gets it: healthy targets >= desired."""
    groups = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[dep.green_asg_name])
    if not groups["AutoScalingGroups"]:
        return GateResult(
            "capacity", Verdict.FAIL, f"green Auto Scaling group {dep.green_asg_name} not found"
        )
    desired = int(groups["AutoScalingGroups"][0]["DesiredCapacity"])
    health = elbv2.describe_target_health(TargetGroupArn=dep.green_target_group_arn)
    states = [t["TargetHealth"]["State"] for t in health["TargetHealthDescriptions"]]
    healthy = states.count("healthy")
    values = {"healthy": healthy, "desired": desired, "targets": len(states)}
    if desired <= 0:
        return GateResult(
            "capacity", Verdict.FAIL, "green desired capacity is 0: nothing to send traffic to", values
        )
    if healthy < desired:
        return GateResult(
            "capacity",
            Verdict.FAIL,
            f"{healthy} healthy green target(s) < desired capacity {desired}",
            values,
        )
    return GateResult(
        "capacity", Verdict.PASS, f"{healthy} healthy green target(s) >= desired {desired}", values
    )


# -- Route53 health checks -----------------------------------------------------------------------
def health_checks_gate(route53: Route53Client, ids: tuple[str, ...]) -> GateResult:
    if not ids:
        return GateResult("health-checks", Verdict.INCONCLUSIVE, "no health check ids in the outputs")
    bad, values = [], {}
    for hc in ids:
        reports = route53.get_health_check_status(HealthCheckId=hc)["HealthCheckObservations"]
        ok = sum(1 for r in reports if r["StatusReport"]["Status"].startswith("Success"))
        values[hc] = {"healthy_checkers": ok, "checkers": len(reports)}
        # Route53 considers an endpoint healthy when more than 18% of checkers see it healthy;
        # we want a clear majority before moving traffic.
        if not reports or ok * 2 <= len(reports):
            bad.append(hc)
    if bad:
        return GateResult("health-checks", Verdict.FAIL, "unhealthy: " + ", ".join(bad), values)
    return GateResult("health-checks", Verdict.PASS, f"{len(ids)} health check(s) healthy", values)


# -- after a change: DNS read-back and the deployed phase --------------------------------------
def dns_readback_gate(observed: ObservedWeights, blue: int | None, green: int) -> GateResult:
    values = {"observed": observed.as_json(), "expected": {"blue": blue, "green": green}}
    if observed.matches(blue, green):
        return GateResult(
            "dns-readback", Verdict.PASS, f"weights read back blue={blue} green={green}", values
        )
    return GateResult(
        "dns-readback",
        Verdict.FAIL,
        f"weights read back blue={observed.blue} green={observed.green}, expected blue={blue} green={green}",
        values,
    )


def read_deployed_phase(ssm: SSMClient, parameter: str) -> dict[str, Any]:
    """The phase document `pulumi up` wrote: {"phase", "weights", "nextPhase", ...}."""
    doc = json.loads(ssm.get_parameter(Name=parameter)["Parameter"]["Value"])
    if not isinstance(doc, dict) or "phase" not in doc:
        raise ValueError(f"{parameter} does not hold a phase document")
    return doc
