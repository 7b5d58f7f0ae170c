"""Usage the plan cannot know. Every estimate prints these next to its numbers, so a reader
can see which figure moves the total and replace it with their own traffic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

from tap.errors import TapError


class AssumptionError(TapError):
    """A `--assume` override names an unknown assumption or gives a value that is not a number."""

    exit_code = 2


def _assume(value: float, doc: str) -> float:
    result: float = field(default=value, metadata={"doc": doc})
    return result


@dataclass(frozen=True)
class Assumptions:
    requests_per_second: float = _assume(
        50.0, "average requests/s to app.{domain}; the phase's weights split them"
    )
    response_kib: float = _assume(16.0, "average KiB per request + response (ALB processed bytes)")
    new_connections_per_second: float = _assume(
        10.0, "new TLS connections/s at 100% (the other ALB LCU dimension)"
    )
    nat_gb_per_month: float = _assume(60.0, "GB/month the prod fleets send out through the NAT gateways")
    log_bucket_gb_stored: float = _assume(200.0, "GB of access logs held in the log bucket (steady state)")
    log_bucket_gb_written_per_month: float = _assume(
        30.0, "GB/month of new logs, all replicated to the replica region"
    )
    cloudwatch_logs_gb_per_month: float = _assume(
        25.0, "GB/month ingested by CloudWatch Logs (flow logs, RDS exports, DNS query logs)"
    )
    cloudwatch_logs_gb_stored: float = _assume(60.0, "GB held in CloudWatch Logs")
    dns_queries_millions_per_month: float = _assume(
        20.0, "million DNS queries/month to the zone (alias answers to AWS resources are free)"
    )
    kms_requests_per_month: float = _assume(2_000_000.0, "KMS API requests/month")
    dev_data_gib: float = _assume(
        100.0, "GiB in the dev database: each kept manual snapshot (seed + encrypted copy) stores it"
    )
    peering_gb_per_month: float = _assume(
        40.0,
        "GB/month over the dev peering across AZs (replication both ways, dev's writes to prod's "
        "MySQL after the switch); same-AZ peering traffic is free",
    )
    state_table_writes_per_month: float = _assume(20_000.0, "migration state table writes/month")
    backup_daily_change_gib: float = _assume(
        2.0, "GiB the database changes per day: each AWS Backup recovery point after the first adds it"
    )
    state_table_reads_per_month: float = _assume(200_000.0, "migration state table reads/month")

    def describe(self) -> list[tuple[str, float, str]]:
        """(name, value, meaning) for printing next to the estimate."""
        return [(f.name, float(getattr(self, f.name)), str(f.metadata["doc"])) for f in fields(self)]

    def with_overrides(self, pairs: Iterable[str]) -> Assumptions:
        """`name=value` overrides (from `tap cost --assume`), every one checked."""
        known = [f.name for f in fields(self)]
        changes: dict[str, float] = {}
        for pair in pairs:
            name, sep, raw = pair.partition("=")
            name = name.strip()
            if not sep or name not in known:
                raise AssumptionError(
                    f"--assume {pair!r}: expected name=value with name one of: {', '.join(known)}"
                )
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if not value >= 0 or value == float("inf"):
                raise AssumptionError(f"--assume {pair!r}: the value must be a number >= 0")
            changes[name] = value
        return replace(self, **changes)
