"""The cutover dashboard: both target groups side by side (requests, 5xx, p99, healthy hosts),
each fleet's CPU, and the production database's connections once it exists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

COLOURS = ("blue", "green")
WIDTH, HEIGHT = 12, 6


def cutover_dashboard(
    region: str,
    alb_arn_suffix: pulumi.Input[str],
    target_group_arn_suffixes: Mapping[str, pulumi.Input[str]],
    asg_names: Mapping[str, pulumi.Input[str]],
    db_instance_identifier: pulumi.Input[str] | None,
) -> pulumi.Output[str]:
    """The dashboard body, two widgets a row."""

    def per_tg(metric: str, stat: str) -> list[list[Any]]:
        return _per_target_group(alb_arn_suffix, target_group_arn_suffixes, metric, stat)

    widgets = [
        _widget(region, "Requests per target group", per_tg("RequestCount", "Sum"), 0, 0),
        _widget(region, "Target 5xx per target group", per_tg("HTTPCode_Target_5XX_Count", "Sum"), 12, 0),
        _widget(region, "p99 latency (s)", per_tg("TargetResponseTime", "p99"), 0, 6),
        _widget(region, "Healthy hosts", per_tg("HealthyHostCount", "Minimum"), 12, 6),
        _widget(
            region,
            "Fleet CPU (%)",
            [
                ["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", name, {"label": colour}]
                for colour, name in asg_names.items()
            ],
            0,
            12,
        ),
    ]
    if db_instance_identifier is not None:
        db_metric = ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", db_instance_identifier]
        widgets.append(_widget(region, "Database connections", [[*db_metric, {"stat": "Maximum"}]], 12, 12))
    return pulumi.Output.json_dumps({"widgets": widgets})


def _per_target_group(
    alb: pulumi.Input[str], tgs: Mapping[str, pulumi.Input[str]], metric: str, stat: str
) -> list[list[Any]]:
    """One line per colour of an ALB per-target-group metric."""
    return [
        ["AWS/ApplicationELB", metric, "TargetGroup", tgs[c], "LoadBalancer", alb, {"stat": stat, "label": c}]
        for c in COLOURS
    ]


def _widget(region: str, title: str, metrics: list[list[Any]], x: int, y: int) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": WIDTH,
        "height": HEIGHT,
        "properties": {
            "title": title,
            "region": region,
            "period": 60,
            "view": "timeSeries",
            "metrics": metrics,
        },
    }
