"""Fakes of CloudWatch log groups, alarms and dashboards, SNS topics and subscriptions."""

from __future__ import annotations

from typing import Any

from tap.offline.fakes.context import Fake, FakeContext, registers_in, uuid

FAKES: dict[str, Fake] = {}
fake = registers_in(FAKES)


@fake("aws:cloudwatch/logGroup:LogGroup")
def _log_group(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("logs", f"log-group:{name}")}


@fake("aws:cloudwatch/logResourcePolicy:LogResourcePolicy")
def _log_resource_policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return str(c.inputs.get("policyName", c.name)), {}


@fake("aws:sns/topic:Topic")
def _topic(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=256)
    arn = c.arn("sns", name)
    return arn, {"arn": arn, "name": name}


@fake("aws:sns/topicSubscription:TopicSubscription")
def _subscription(c: FakeContext) -> tuple[str, dict[str, Any]]:
    arn = f"{c.inputs.get('topic', '')}:{uuid(c)}"
    return arn, {"arn": arn, "pendingConfirmation": c.inputs.get("protocol") == "email"}


@fake("aws:cloudwatch/metricAlarm:MetricAlarm")
def _alarm(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("cloudwatch", f"alarm:{name}")}


@fake("aws:cloudwatch/dashboard:Dashboard")
def _dashboard(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name("dashboardName")
    return name, {"dashboardArn": f"arn:aws:cloudwatch::{c.account}:dashboard/{name}"}
