"""Line items of the managed services around the stack: DNS, monitoring, KMS, migration state."""

from __future__ import annotations

from collections.abc import Iterator

from tap import aws_types as t
from tap.cost.model import Basis, Cost, Line


def hosted_zones(b: Basis) -> Iterator[Line]:
    zones = b.plan.of_type(t.ROUTE53_ZONE)
    if zones:
        yield Line(
            "dns",
            "hosted zone",
            f"{len(zones)}",
            len(zones) * b.prices.price("route53", "hosted_zone_per_month"),
        )


def health_checks(b: Basis) -> Iterator[Line]:
    checks = b.plan.of_type(t.ROUTE53_HEALTH_CHECK)
    if checks:
        https = sum(1 for c in checks if str(c.get("type", "")).startswith("HTTPS"))
        # Both endpoints are load balancers inside AWS: the "AWS endpoint" rate applies.
        yield Line(
            "dns",
            "health checks",
            f"{len(checks)} ({https} HTTPS)",
            len(checks) * b.prices.price("route53", "health_check_aws_endpoint_per_month")
            + https * b.prices.price("route53", "health_check_https_feature_per_month_aws"),
        )


def dns_queries(b: Basis) -> Iterator[Line]:
    weighted = [r for r in b.plan.of_type(t.ROUTE53_RECORD) if r.get("weightedRoutingPolicies")]
    if weighted:
        plain = [r for r in weighted if not r.get("aliases")]
        charged = b.assume.dns_queries_millions_per_month * len(plain) / len(weighted)
        yield Line(
            "dns",
            "queries (alias answers free)",
            f"{charged:.1f} M charged",
            charged * b.prices.price("route53", "standard_queries_per_million"),
        )


def alarms(b: Basis) -> Iterator[Line]:
    found = b.plan.of_type(t.METRIC_ALARM)
    if found:
        # A metric-math alarm is billed per metric it reads.
        metrics = sum(
            max(1, sum(1 for q in a.get("metricQueries") or [] if q.get("metric") is not None)) for a in found
        )
        yield Line(
            "monitoring",
            "CloudWatch alarms",
            f"{len(found)} alarms, {metrics} metrics",
            metrics * b.prices.price("cloudwatch", "standard_alarm_per_metric_month"),
        )


def dashboards(b: Basis) -> Iterator[Line]:
    found = b.plan.of_type(t.DASHBOARD)
    if found:
        yield Line(
            "monitoring",
            "dashboards",
            f"{len(found)}",
            len(found) * b.prices.price("cloudwatch", "dashboard_per_month"),
        )


def log_groups(b: Basis) -> Iterator[Line]:
    groups, assume, prices = b.plan.of_type(t.LOG_GROUP), b.assume, b.prices
    if groups:
        yield Line(
            "monitoring",
            "CloudWatch Logs ingest + storage",
            f"{len(groups)} groups, {assume.cloudwatch_logs_gb_per_month:g} GB in, "
            f"{assume.cloudwatch_logs_gb_stored:g} GB held",
            assume.cloudwatch_logs_gb_per_month * prices.price("cloudwatch", "logs_ingest_per_gb")
            + assume.cloudwatch_logs_gb_stored * prices.price("cloudwatch", "logs_storage_per_gb_month"),
        )


def kms_keys(b: Basis) -> Iterator[Line]:
    keys, requests = b.plan.of_type(t.KMS_KEY), b.assume.kms_requests_per_month
    if keys:
        yield Line(
            "encryption",
            "KMS customer-managed keys",
            f"{len(keys)}",
            len(keys) * b.prices.price("kms", "key_per_month"),
        )
        yield Line(
            "encryption",
            "KMS requests",
            f"{requests:,.0f}",
            requests / 10_000 * b.prices.price("kms", "per_10000_requests"),
        )


def migration_state(b: Basis) -> Iterator[Line]:
    writes, reads = b.assume.state_table_writes_per_month, b.assume.state_table_reads_per_month
    for _table in b.plan.of_type(t.DYNAMODB_TABLE):
        yield Line(
            "migration state",
            "DynamoDB on-demand",
            f"{writes:,.0f} writes, {reads:,.0f} reads",
            writes / 1e6 * b.prices.price("dynamodb", "on_demand_per_million_writes")
            + reads / 1e6 * b.prices.price("dynamodb", "on_demand_per_million_reads"),
        )


COSTS: tuple[Cost, ...] = (
    hosted_zones,
    health_checks,
    dns_queries,
    alarms,
    dashboards,
    log_groups,
    kms_keys,
    migration_state,
)
