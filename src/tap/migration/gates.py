"""Gates: read-only checks through boto3 that decide whether a step may run or a phase holds.

Each gate returns a `GateResult` with one of three verdicts. INCONCLUSIVE (no data, a missing
alarm) is never treated as a pass: the controller pauses for a human instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tap.jsonable import fields_json
from tap.migration.deployment import Deployment
from tap.migration.dns import ObservedWeights
from tap.settings import MonitoringSettings

ALB_NAMESPACE = "AWS/ApplicationELB"
RDS_NAMESPACE = "AWS/RDS"
METRIC_PERIOD_SECONDS = 60
# How far back the database gate looks for dev connections before the first green traffic.
DEV_DB_QUIET_SECONDS = 300


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class GateResult:
    name: str
    verdict: Verdict
    detail: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.verdict == Verdict.PASS

    def as_json(self) -> dict[str, Any]:
        return fields_json(self, rename={"name": "gate"})


def worst(results: list[GateResult]) -> Verdict:
    verdicts = {r.verdict for r in results}
    if Verdict.FAIL in verdicts:
        return Verdict.FAIL
    if Verdict.INCONCLUSIVE in verdicts:
        return Verdict.INCONCLUSIVE
    return Verdict.PASS


# -- alarms (the fast path) --------------------------------------------------------------------
def alarms_gate(cloudwatch: Any, names: tuple[str, ...]) -> GateResult:
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


# -- metric analysis ---------------------------------------------------------------------------
@dataclass(frozen=True)
class AnalysisSpec:
    """Success conditions of one analysis run over the last `window_seconds` of 1-minute data.

    `latency_stat` is p99 against AWS; the moto emulator cannot compute percentiles, so the
    tests use Maximum (an upper bound of p99, i.e. a stricter check).
    """

    error_rate_percent: float
    p99_latency_seconds: float
    unhealthy_hosts_threshold: int
    window_seconds: int
    latency_stat: str = "p99"

    @classmethod
    def from_settings(
        cls, monitoring: MonitoringSettings, window_seconds: int, latency_stat: str = "p99"
    ) -> AnalysisSpec:
        return cls(
            monitoring.error_rate_percent,
            monitoring.p99_latency_seconds,
            monitoring.unhealthy_hosts_threshold,
            window_seconds,
            latency_stat,
        )


def metric_queries(dep: Deployment, spec: AnalysisSpec) -> list[dict[str, Any]]:
    dims = [
        {"Name": "TargetGroup", "Value": dep.green_target_group_suffix},
        {"Name": "LoadBalancer", "Value": dep.alb_arn_suffix},
    ]

    def q(qid: str, metric: str, stat: str) -> dict[str, Any]:
        return {
            "Id": qid,
            "MetricStat": {
                "Metric": {"Namespace": ALB_NAMESPACE, "MetricName": metric, "Dimensions": dims},
                "Period": METRIC_PERIOD_SECONDS,
                "Stat": stat,
            },
            "ReturnData": True,
        }

    return [
        q("errors", "HTTPCode_Target_5XX_Count", "Sum"),
        q("requests", "RequestCount", "Sum"),
        q("latency", "TargetResponseTime", spec.latency_stat),
        q("unhealthy", "UnHealthyHostCount", "Maximum"),
    ]


def _values(
    cloudwatch: Any, queries: list[dict[str, Any]], start: datetime, end: datetime
) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {q["Id"]: [] for q in queries}
    pages = cloudwatch.get_paginator("get_metric_data").paginate(
        MetricDataQueries=queries, StartTime=start, EndTime=end
    )
    for page in pages:
        for r in page["MetricDataResults"]:
            out[r["Id"]] += [float(v) for v in r.get("Values", [])]
    return out


def analysis_gate(cloudwatch: Any, dep: Deployment, spec: AnalysisSpec, now: datetime) -> GateResult:
    """One measurement: 5xx rate, latency and unhealthy hosts of the green target group."""
    start = now - timedelta(seconds=spec.window_seconds)
    return evaluate_analysis(_values(cloudwatch, metric_queries(dep, spec), start, now), spec)


def evaluate_analysis(data: dict[str, list[float]], spec: AnalysisSpec) -> GateResult:
    """The verdict on one window of datapoints (keys: errors, requests, latency, unhealthy)."""
    requests = sum(data["requests"])
    if not data["requests"] or requests <= 0:
        return GateResult(
            "analysis",
            Verdict.INCONCLUSIVE,
            f"no RequestCount data for the green target group in the last {spec.window_seconds} s",
        )
    # AWS gotcha: the ALB publishes HTTPCode_Target_5XX_Count only for minutes that had 5xx
    # responses, so no datapoints with requests present means zero errors, not "unknown".
    errors = sum(data["errors"])
    rate = 100.0 * errors / requests
    if not data["latency"] or not data["unhealthy"]:
        missing = [k for k in ("latency", "unhealthy") if not data[k]]
        return GateResult(
            "analysis",
            Verdict.INCONCLUSIVE,
            "no data for " + ", ".join(missing),
            {"requests": requests, "error_rate_percent": rate},
        )
    latency = max(data["latency"])
    unhealthy = max(data["unhealthy"])
    values = {
        "requests": requests,
        "errors": errors,
        "error_rate_percent": round(rate, 4),
        f"latency_{spec.latency_stat}": latency,
        "unhealthy_hosts": unhealthy,
    }
    failures = []
    if rate > spec.error_rate_percent:
        failures.append(f"5xx rate {rate:.2f}% > {spec.error_rate_percent}%")
    if latency > spec.p99_latency_seconds:
        failures.append(f"{spec.latency_stat} latency {latency:.3f} s > {spec.p99_latency_seconds} s")
    if unhealthy >= spec.unhealthy_hosts_threshold:
        failures.append(f"{unhealthy:.0f} unhealthy host(s) >= {spec.unhealthy_hosts_threshold}")
    if failures:
        return GateResult("analysis", Verdict.FAIL, "; ".join(failures), values)
    return GateResult(
        "analysis",
        Verdict.PASS,
        f"5xx {rate:.2f}% of {requests:.0f} requests, {spec.latency_stat} {latency:.3f} s, "
        f"{unhealthy:.0f} unhealthy",
        values,
    )


# -- capacity ----------------------------------------------------------------------------------
def capacity_gate(elbv2: Any, autoscaling: Any, dep: Deployment) -> GateResult:
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


# -- database ----------------------------------------------------------------------------------
def _writer_target(route53: Any, zone_id: str, fqdn: str) -> str | None:
    """What the writer record names now (the address every fleet's writes go to)."""
    name = fqdn.rstrip(".") + "."
    page = route53.list_resource_record_sets(
        HostedZoneId=zone_id, StartRecordName=name, StartRecordType="CNAME", MaxItems="1"
    )
    for rrset in page.get("ResourceRecordSets", []):
        if rrset["Name"] == name and rrset["Type"] == "CNAME" and rrset.get("ResourceRecords"):
            return str(rrset["ResourceRecords"][0]["Value"]).rstrip(".")
    return None


def database_gate(ssm: Any, cloudwatch: Any, route53: Any, dep: Deployment, now: datetime) -> GateResult:
    """Before green traffic: both fleets connect through the writer name, the writer record
    names the prod database (`tap db cutover` has run; only it moves the record), and the dev
    database has had no connections for the last minutes (a second writable ledger would
    diverge). `tap db status` shows the rest of the switch (dev fenced, replication reversed)."""
    param, prod, dev_id = dep.db_endpoint_parameter, dep.db_instance_address, dep.dev_db_instance_identifier
    zone, writer = dep.writer_zone_id, dep.writer_record_fqdn
    named = (
        ("db_endpoint_parameter_name", param),
        ("db_instance_address", prod),
        ("dev_db_instance_identifier", dev_id),
        ("writer_zone_id", zone),
        ("writer_record_fqdn", writer),
    )
    if not param or not prod or not dev_id or not zone or not writer:
        return GateResult("database", Verdict.FAIL, "outputs lack " + ", ".join(k for k, v in named if not v))
    value = ssm.get_parameter(Name=param)["Parameter"]["Value"]
    if value != writer:
        return GateResult(
            "database",
            Verdict.FAIL,
            f"{param} = {value!r}, not the writer name {writer!r}: the fleets would not follow the switch",
            {"endpoint": value},
        )
    target = _writer_target(route53, zone, writer)
    if target != prod:
        return GateResult(
            "database",
            Verdict.FAIL,
            f"the writer record {writer} names {target!r}, not the production database {prod!r}: "
            "run `tap db cutover` first",
            {"endpoint": value, "writer": target},
        )
    query = [
        {
            "Id": "conns",
            "MetricStat": {
                "Metric": {
                    "Namespace": RDS_NAMESPACE,
                    "MetricName": "DatabaseConnections",
                    "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": dev_id}],
                },
                "Period": METRIC_PERIOD_SECONDS,
                "Stat": "Maximum",
            },
        }
    ]
    conns = _values(cloudwatch, query, now - timedelta(seconds=DEV_DB_QUIET_SECONDS), now)["conns"]
    values = {"endpoint": value, "writer": target, "dev_connections": conns}
    if not conns:
        return GateResult(
            "database",
            Verdict.INCONCLUSIVE,
            f"no DatabaseConnections data for dev {dev_id} in the last {DEV_DB_QUIET_SECONDS} s",
            values,
        )
    if max(conns) > 0:
        return GateResult(
            "database",
            Verdict.FAIL,
            f"dev database {dev_id} still has {max(conns):.0f} connection(s)",
            values,
        )
    return GateResult(
        "database", Verdict.PASS, f"{param} names the production database; dev {dev_id} idle", values
    )


# -- Route53 health checks -----------------------------------------------------------------------
def health_checks_gate(route53: Any, ids: tuple[str, ...]) -> GateResult:
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


def read_deployed_phase(ssm: Any, parameter: str) -> dict[str, Any]:
    """The phase document `pulumi up` wrote: {"phase", "weights", "nextPhase", ...}."""
    doc = json.loads(ssm.get_parameter(Name=parameter)["Parameter"]["Value"])
    if not isinstance(doc, dict) or "phase" not in doc:
        raise ValueError(f"{parameter} does not hold a phase document")
    return doc
