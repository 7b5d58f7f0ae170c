"""Alarms (SPEC R10.2): every alarm notifies on alarm and on recovery, and says on purpose
what missing data means."""

from __future__ import annotations

from tap import aws_types as t
from tap.policies.props import UNKNOWN, flag
from tap.policies.rules import Report, Resource, resource_rule


@resource_rule(
    "alarm-has-actions",
    "Every metric alarm has alarm and OK actions, left enabled, and an explicit missing-data rule.",
    "R10.2",
    t.METRIC_ALARM,
)
def alarm_actions(r: Resource, report: Report) -> None:
    for key in ("alarmActions", "okActions"):
        v = r.get(key)
        if v is UNKNOWN:
            continue
        if not (isinstance(v, list) and v):
            report(f"{r.label} has no {key}: nobody would hear about it")
    # actionsEnabled=false keeps the actions on paper and sends nothing (the provider default is true).
    if flag(r.get("actionsEnabled")) is False:
        report(f"{r.label} sets actionsEnabled false: its actions never run")
    if r.get("treatMissingData") is None:
        report(f"{r.label} leaves treatMissingData to the default; choose it deliberately")


RULES = [alarm_actions]
