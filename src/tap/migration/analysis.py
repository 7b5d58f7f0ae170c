"""The metric analysis: one window of 1-minute ALB data of the green target group judged
against the monitoring settings (5xx rate, latency, unhealthy hosts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tap.migration.deployment import Deployment
from tap.migration.verdicts import GateResult, Verdict
from tap.settings import MonitoringSettings

if TYPE_CHECKING:
    from types_boto3_cloudwatch.client import CloudWatchClient
    from types_boto3_cloudwatch.type_defs import DimensionTypeDef, MetricDataQueryTypeDef

ALB_NAMESPACE = "AWS/ApplicationELB"
METRIC_PERIOD_SECONDS = 60


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


def metric_queries(dep: Deployment, spec: AnalysisSpec) -> list[MetricDataQueryTypeDef]:
    dims: list[DimensionTypeDef] = [
        {"Name": "TargetGroup", "Value": dep.green_target_group_suffix},
        {"Name": "LoadBalancer", "Value": dep.alb_arn_suffix},
    ]

    def q(qid: str, metric: str, stat: str) -> MetricDataQueryTypeDef:
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


def metric_values(
    cloudwatch: CloudWatchClient, queries: list[MetricDataQueryTypeDef], start: datetime, end: datetime
) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {q["Id"]: [] for q in queries}
    pages = cloudwatch.get_paginator("get_metric_data").paginate(
        MetricDataQueries=queries, StartTime=start, EndTime=end
    )
    for page in pages:
        for r in page["MetricDataResults"]:
            out[r["Id"]] += [float(v) for v in r.get("Values", [])]
    return out


def analysis_gate(
    cloudwatch: CloudWatchClient, dep: Deployment, spec: AnalysisSpec, now: datetime
) -> GateResult:
    """One measurement: 5xx rate, latency and unhealthy hosts of the green target group."""
    start = now - timedelta(seconds=spec.window_seconds)
    return evaluate_analysis(metric_values(cloudwatch, metric_queries(dep, spec), start, now), spec)


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
