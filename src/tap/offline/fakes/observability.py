"""Fakes of CloudWatch log groups, alarms and dashboards, SNS topics and subscriptions."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.offline.fakes.context import Fake, FakeContext, uuid
from tap.registrar import registrar

FAKES: dict[str, Fake] = {}
fake = registrar(FAKES)


@fake(t.LOG_GROUP)
def _log_group(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("logs", f"log-group:{name}")}


@fake(t.LOG_RESOURCE_POLICY)
def _log_resource_policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return str(c.inputs.get("policyName", c.name)), {}


@fake(t.SNS_TOPIC)
def _topic(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=256)
    arn = c.arn("sns", name)
    return arn, {"arn": arn, "name": name}


@fake(t.SNS_TOPIC_SUBSCRIPTION)
def _subscription(c: FakeContext) -> tuple[str, dict[str, Any]]:
    arn = f"{c.inputs.get('topic', '')}:{uuid(c)}"
    return arn, {"arn": arn, "pendingConfirmation": c.inputs.get("protocol") == "email"}


@fake(t.METRIC_ALARM)
def _alarm(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("cloudwatch", f"alarm:{name}")}


@fake(t.DASHBOARD)
def _dashboard(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name("dashboardName")
    return name, {"dashboardArn": f"arn:aws:cloudwatch::{c.account}:dashboard/{name}"}
