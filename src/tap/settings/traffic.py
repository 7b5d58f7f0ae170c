"""Judging the traffic shift: the alarm thresholds and who receives them, and how long each
phase bakes, how it is analysed and how long the rollback window stays open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic.dataclasses import dataclass

from tap.errors import Problem
from tap.settings.fields import GROUP_CONFIG, setting
from tap.settings.kinds import Items, Number, Text, Whole

if TYPE_CHECKING:
    from tap.settings.model import Settings

EMAIL = Text(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", "an e-mail address")


@dataclass(frozen=True, config=GROUP_CONFIG)
class MonitoringSettings:
    alarm_emails: Annotated[tuple[str, ...], Items(EMAIL, 1, 20)] = setting(
        "alarmEmails",
        ("oncall@example.com",),
        "Subscribers of the alarm topic (at least one: an alarm nobody receives is not one).",
    )
    cpu_threshold_percent: Annotated[int, Whole(1, 100)] = setting(
        "cpuAlarmThresholdPercent", 80, "Fleet and RDS CPU alarm threshold."
    )
    db_connections_threshold: Annotated[int, Whole(1, 100000)] = setting(
        "dbConnectionsAlarmThreshold", 80, "RDS connections alarm threshold."
    )
    unhealthy_hosts_threshold: Annotated[int, Whole(1, 100)] = setting(
        "unhealthyHostsAlarmThreshold", 2, "Unhealthy targets alarm threshold."
    )
    error_rate_percent: Annotated[float, Number(0, 100, lo_inclusive=False)] = setting(
        "error5xxRatePercent", 1.0, "Target 5xx rate (percent of requests) alarm threshold."
    )
    p99_latency_seconds: Annotated[float, Number(0, 60, lo_inclusive=False)] = setting(
        "p99LatencySeconds", 1.0, "Target p99 response time alarm threshold."
    )
    free_storage_gib: Annotated[int, Whole(1, 65536)] = setting(
        "dbFreeStorageAlarmGib", 10, "RDS free storage alarm threshold."
    )


@dataclass(frozen=True, config=GROUP_CONFIG)
class MigrationSettings:
    bake_seconds: Annotated[int, Whole(60, 3600)] = setting(
        "bakeSeconds", 600, "Time each traffic phase bakes before it is judged (>= 2 x TTL)."
    )
    analysis_interval_seconds: Annotated[int, Whole(60, 300)] = setting(
        "analysisIntervalSeconds", 60, "How often the controller reads 1-minute metrics."
    )
    analysis_failure_limit: Annotated[int, Whole(1, 10)] = setting(
        "analysisFailureLimit", 2, "Failed analyses in a row that trigger a rollback."
    )
    rollback_window_seconds: Annotated[int, Whole(900, 7 * 24 * 3600)] = setting(
        "rollbackWindowSeconds",
        3600,
        "How long traffic-shift-100 must hold before `complete` may remove the dev record.",
    )


def bake_covers_two_ttls(s: Settings) -> Iterator[Problem]:
    ttl, bake = s.dns.record_ttl, s.migration.bake_seconds
    if bake < 2 * ttl:
        yield Problem(
            "bakeSeconds",
            bake,
            f"at least twice dnsTtlSeconds ({2 * ttl}): resolvers may keep the old answer for one TTL",
        )


CHECKS = [bake_covers_two_ttls]
