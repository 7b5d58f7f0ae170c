"""Monthly cost of one phase's plan, line by line.

Each line names the plan quantity it counted (e.g. "3 x NAT gateway") so a reader can check it
against `tap plan`. Usage-driven lines take the phase's traffic share from the Route53 weights
in the plan (the weighted records), not from the phase name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tap.cost.assumptions import Assumptions
from tap.cost.prices import PriceTable
from tap.offline.plan import Plan, PlannedResource

GIB_PER_KIB = 1.0 / (1024 * 1024)
SECONDS_PER_HOUR = 3600.0

# Component names, in report order.
COMPONENTS = (
    "network",
    "compute",
    "load balancer",
    "web firewall",
    "database",
    "storage",
    "dns",
    "monitoring",
    "encryption",
    "migration state",
)


@dataclass(frozen=True)
class Line:
    component: str
    item: str
    quantity: str
    monthly_usd: float


@dataclass(frozen=True)
class Estimate:
    phase: str
    lines: tuple[Line, ...]
    green_share: float
    """Share of requests the plan's weights send to the production ALB (0-1)."""

    @property
    def total(self) -> float:
        return sum(line.monthly_usd for line in self.lines)

    def by_component(self) -> dict[str, float]:
        totals = dict.fromkeys(COMPONENTS, 0.0)
        for line in self.lines:
            totals[line.component] = totals.get(line.component, 0.0) + line.monthly_usd
        return totals

    def as_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "green_share": self.green_share,
            "total_usd": round(self.total, 2),
            "by_component_usd": {k: round(v, 2) for k, v in self.by_component().items()},
            "lines": [
                {
                    "component": ln.component,
                    "item": ln.item,
                    "quantity": ln.quantity,
                    "monthly_usd": round(ln.monthly_usd, 2),
                }
                for ln in self.lines
            ],
        }


def _num(value: Any, default: float = 0.0) -> float:
    """Numbers arrive from the mock engine as floats, sometimes as strings."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _truthy(value: Any) -> bool:
    # Some provider inputs are strings ("true"), e.g. launch template ebs.encrypted.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def green_share(plan: Plan) -> float:
    """Share of app traffic on the production ALB, read from the plan's weighted records.

    A weighted record that aliases a load balancer the stack owns is production; the other
    (the dev endpoint) is not. No weighted records means no traffic to prod.
    """
    lb_names = {str(lb.outputs.get("dnsName", "")) for lb in plan.of_type("aws:lb/loadBalancer:LoadBalancer")}
    prod = total = 0.0
    for rec in plan.of_type("aws:route53/record:Record"):
        policies = rec.get("weightedRoutingPolicies") or []
        if not policies:
            continue
        weight = _num(policies[0].get("weight"))
        total += weight
        if any(str(a.get("name", "")) in lb_names for a in rec.get("aliases") or []):
            prod += weight
    if total == 0:
        # A single (non-weighted) alias to the ALB, as after the dev record is removed.
        aliased = any(
            str(a.get("name", "")) in lb_names
            for rec in plan.of_type("aws:route53/record:Record")
            for a in rec.get("aliases") or []
        )
        return 1.0 if aliased else 0.0
    return prod / total


def _launch_templates(plan: Plan) -> dict[str, PlannedResource]:
    return {lt.id: lt for lt in plan.of_type("aws:ec2/launchTemplate:LaunchTemplate")}


def _root_gib(lt: PlannedResource) -> tuple[float, str]:
    for bdm in lt.get("blockDeviceMappings") or []:
        ebs = (bdm or {}).get("ebs") or {}
        if ebs:
            return _num(ebs.get("volumeSize"), 8.0), str(ebs.get("volumeType") or "gp3")
    return 8.0, "gp3"


def _backup_cost(plan: Plan, prices: PriceTable, assume: Assumptions, add: Callable[..., None]) -> None:
    """AWS Backup (R19): RDS snapshots are incremental, so each vault holds one full copy plus a
    day's change per retained day; the copy to the replica region moves a day's change daily."""
    for bp in plan.of_type("aws:backup/plan:Plan"):
        for rule in bp.get("rules") or []:
            days = _num((rule.get("lifecycle") or {}).get("deleteAfter"))
            stored = assume.dev_data_gib + days * assume.backup_daily_change_gib
            vaults = 1 + len(rule.get("copyActions") or [])
            add(
                "database",
                f"AWS Backup recovery points ({days:g} days, {vaults} vaults)",
                f"{vaults} x {stored:g} GiB",
                vaults * stored * prices.price("rds_mysql", "snapshot_per_gb_month"),
            )
            moved = 30 * assume.backup_daily_change_gib * (vaults - 1)
            add(
                "database",
                "AWS Backup cross-region copy transfer",
                f"{moved:g} GB",
                moved * prices.price("s3", "inter_region_transfer_per_gb"),
            )


def estimate(plan: Plan, prices: PriceTable, assume: Assumptions) -> Estimate:
    h = prices.hours
    lines: list[Line] = []
    share = green_share(plan)
    monthly_requests = assume.requests_per_second * SECONDS_PER_HOUR * h

    def add(component: str, item: str, quantity: str, usd: float) -> None:
        lines.append(Line(component, item, quantity, usd))

    # --- network ------------------------------------------------------------------------
    nats = plan.of_type("aws:ec2/natGateway:NatGateway")
    if nats:
        add(
            "network",
            "NAT gateway hours",
            f"{len(nats)} x {h:g} h",
            len(nats) * h * prices.price("vpc", "nat_gateway_per_hour"),
        )
        add(
            "network",
            "NAT data processed",
            f"{assume.nat_gb_per_month:g} GB",
            assume.nat_gb_per_month * prices.price("vpc", "nat_gateway_per_gb"),
        )
    eips = plan.of_type("aws:ec2/eip:Eip")
    lbs = plan.of_type("aws:lb/loadBalancer:LoadBalancer")
    # An internet-facing ALB holds one public IPv4 address per subnet it spans.
    alb_ips = sum(len(lb.get("subnets") or []) for lb in lbs if not lb.get("internal"))
    if eips or alb_ips:
        n = len(eips) + alb_ips
        add(
            "network",
            "public IPv4 addresses",
            f"{len(eips)} EIP + {alb_ips} ALB",
            n * h * prices.price("vpc", "public_ipv4_per_hour"),
        )

    # --- compute: every ASG's desired capacity x its launch template's type ---------------
    templates = _launch_templates(plan)
    for asg in plan.of_type("aws:autoscaling/group:Group"):
        desired = int(_num(asg.get("desiredCapacity")))
        lt = templates.get(str((asg.get("launchTemplate") or {}).get("id", "")))
        if lt is None or desired == 0:
            continue
        itype = str(lt.get("instanceType"))
        add(
            "compute",
            f"EC2 {itype} ({asg.name})",
            f"{desired} x {h:g} h",
            desired * h * prices.ec2_hourly(itype),
        )
        gib, vtype = _root_gib(lt)
        add(
            "compute",
            f"EBS {vtype} root volumes ({asg.name})",
            f"{desired} x {gib:g} GiB",
            desired * gib * prices.price("ec2", "ebs_gp3_per_gb_month"),
        )
        if _truthy((lt.get("monitoring") or {}).get("enabled")):
            add(
                "compute",
                f"detailed monitoring ({asg.name})",
                f"{desired} instances",
                desired * prices.price("ec2", "detailed_monitoring_per_instance_month"),
            )

    # --- load balancer --------------------------------------------------------------------
    if lbs:
        add(
            "load balancer",
            "ALB hours",
            f"{len(lbs)} x {h:g} h",
            len(lbs) * h * prices.price("elb", "alb_per_hour"),
        )
        gb_per_hour = (
            assume.requests_per_second * share * assume.response_kib * GIB_PER_KIB * SECONDS_PER_HOUR
        )
        lcu = max(gb_per_hour / 1.0, assume.new_connections_per_second * share / 25.0)
        add(
            "load balancer",
            "ALB LCUs",
            f"{lcu:.2f} LCU x {h:g} h ({share:.0%} of traffic)",
            lcu * h * prices.price("elb", "alb_per_lcu_hour"),
        )

    # --- WAF -------------------------------------------------------------------------------
    for acl in plan.of_type("aws:wafv2/webAcl:WebAcl"):
        rules = len(acl.get("rules") or [])
        add(
            "web firewall",
            "web ACL + rules",
            f"1 ACL, {rules} rules",
            prices.price("waf", "web_acl_per_month") + rules * prices.price("waf", "rule_per_month"),
        )
        million = monthly_requests * share / 1e6
        add(
            "web firewall",
            "inspected requests",
            f"{million:.1f} M",
            million * prices.price("waf", "per_million_requests"),
        )

    # --- database: instances this stack owns (the dev instance is read, not paid here) ----
    for db in plan.of_type("aws:rds/instance:Instance"):
        if db.read:
            continue
        if db.get("replicateSourceDb"):
            _seed_replica(add, db, h, prices, assume)
            continue
        cls = str(db.get("instanceClass"))
        multi = _truthy(db.get("multiAz"))
        label = "Multi-AZ" if multi else "single-AZ"
        add("database", f"RDS MySQL {cls} {label}", f"{h:g} h", h * prices.rds_hourly(cls, multi))
        gib = _num(db.get("allocatedStorage"))
        key = "gp3_per_gb_month_multi_az" if multi else "gp3_per_gb_month_single_az"
        add(
            "database",
            f"RDS {db.get('storageType') or 'gp3'} storage ({label})",
            f"{gib:g} GiB",
            gib * prices.price("rds_mysql", key),
        )
        if _truthy(db.get("manageMasterUserPassword")):
            add(
                "database",
                "Secrets Manager (RDS-managed master password)",
                "1 secret",
                prices.price("secrets_manager", "per_secret_month"),
            )
    for _ in plan.of_type("aws:secretsmanager/secret:Secret"):
        add(
            "database",
            "Secrets Manager (replication user)",
            "1 secret",
            prices.price("secrets_manager", "per_secret_month"),
        )
    if plan.of_type("aws:ec2/vpcPeeringConnection:VpcPeeringConnection"):
        gb = assume.peering_gb_per_month
        add(
            "network",
            "VPC peering with dev (cross-AZ share, both directions)",
            f"{gb:g} GB",
            gb * 2 * prices.price("vpc", "peering_cross_az_per_gb_each_way"),
        )
    snaps = plan.of_type("aws:rds/snapshot:Snapshot") + plan.of_type("aws:rds/snapshotCopy:SnapshotCopy")
    if snaps:
        add(
            "database",
            "manual snapshots kept (seed + encrypted copy)",
            f"{len(snaps)} x {assume.dev_data_gib:g} GiB",
            len(snaps) * assume.dev_data_gib * prices.price("rds_mysql", "snapshot_per_gb_month"),
        )
    _backup_cost(plan, prices, assume, add)

    # --- storage ---------------------------------------------------------------------------
    buckets = plan.of_type("aws:s3/bucket:Bucket")
    replications = plan.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    if buckets:
        # The replica holds the same data as the source; other buckets hold the log volume.
        add(
            "storage",
            "S3 Standard",
            f"{len(buckets)} buckets x {assume.log_bucket_gb_stored:g} GB",
            len(buckets) * assume.log_bucket_gb_stored * prices.price("s3", "standard_per_gb_month"),
        )
    if replications:
        gb = assume.log_bucket_gb_written_per_month
        add(
            "storage",
            "cross-region replication + RTC",
            f"{gb:g} GB",
            gb
            * (
                prices.price("s3", "inter_region_transfer_per_gb")
                + prices.price("s3", "replication_time_control_per_gb")
            ),
        )

    # --- DNS -------------------------------------------------------------------------------
    zones = plan.of_type("aws:route53/zone:Zone")
    if zones:
        add(
            "dns",
            "hosted zone",
            f"{len(zones)}",
            len(zones) * prices.price("route53", "hosted_zone_per_month"),
        )
    checks = plan.of_type("aws:route53/healthCheck:HealthCheck")
    if checks:
        https = sum(1 for c in checks if str(c.get("type", "")).startswith("HTTPS"))
        # Both endpoints are load balancers inside AWS: the "AWS endpoint" rate applies.
        add(
            "dns",
            "health checks",
            f"{len(checks)} ({https} HTTPS)",
            len(checks) * prices.price("route53", "health_check_aws_endpoint_per_month")
            + https * prices.price("route53", "health_check_https_feature_per_month_aws"),
        )
    weighted = [r for r in plan.of_type("aws:route53/record:Record") if r.get("weightedRoutingPolicies")]
    if weighted:
        plain = [r for r in weighted if not r.get("aliases")]
        charged = assume.dns_queries_millions_per_month * len(plain) / len(weighted)
        add(
            "dns",
            "queries (alias answers free)",
            f"{charged:.1f} M charged",
            charged * prices.price("route53", "standard_queries_per_million"),
        )

    # --- monitoring ------------------------------------------------------------------------
    alarms = plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    if alarms:
        # A metric-math alarm is billed per metric it reads.
        metrics = sum(
            max(1, sum(1 for q in a.get("metricQueries") or [] if q.get("metric") is not None))
            for a in alarms
        )
        add(
            "monitoring",
            "CloudWatch alarms",
            f"{len(alarms)} alarms, {metrics} metrics",
            metrics * prices.price("cloudwatch", "standard_alarm_per_metric_month"),
        )
    dashboards = plan.of_type("aws:cloudwatch/dashboard:Dashboard")
    if dashboards:
        add(
            "monitoring",
            "dashboards",
            f"{len(dashboards)}",
            len(dashboards) * prices.price("cloudwatch", "dashboard_per_month"),
        )
    groups = plan.of_type("aws:cloudwatch/logGroup:LogGroup")
    if groups:
        add(
            "monitoring",
            "CloudWatch Logs ingest + storage",
            f"{len(groups)} groups, {assume.cloudwatch_logs_gb_per_month:g} GB in, "
            f"{assume.cloudwatch_logs_gb_stored:g} GB held",
            assume.cloudwatch_logs_gb_per_month * prices.price("cloudwatch", "logs_ingest_per_gb")
            + assume.cloudwatch_logs_gb_stored * prices.price("cloudwatch", "logs_storage_per_gb_month"),
        )

    # --- encryption ------------------------------------------------------------------------
    keys = plan.of_type("aws:kms/key:Key")
    if keys:
        add(
            "encryption",
            "KMS customer-managed keys",
            f"{len(keys)}",
            len(keys) * prices.price("kms", "key_per_month"),
        )
        add(
            "encryption",
            "KMS requests",
            f"{assume.kms_requests_per_month:,.0f}",
            assume.kms_requests_per_month / 10_000 * prices.price("kms", "per_10000_requests"),
        )

    # --- migration state -------------------------------------------------------------------
    for _table in plan.of_type("aws:dynamodb/table:Table"):
        add(
            "migration state",
            "DynamoDB on-demand",
            f"{assume.state_table_writes_per_month:,.0f} writes, "
            f"{assume.state_table_reads_per_month:,.0f} reads",
            assume.state_table_writes_per_month
            / 1e6
            * prices.price("dynamodb", "on_demand_per_million_writes")
            + assume.state_table_reads_per_month
            / 1e6
            * prices.price("dynamodb", "on_demand_per_million_reads"),
        )

    return Estimate(plan.phase.value, tuple(lines), share)


def _seed_replica(
    add: Any, db: PlannedResource, hours: float, prices: PriceTable, assume: Assumptions
) -> None:
    """The read replica of dev: dev's class, single-AZ, dev's storage; it lives only through
    `seed` and `snapshot` (hours to days), so a month of it is the upper bound."""
    cls = str(db.get("instanceClass"))
    add(
        "database",
        f"seed replica {cls} (seeding phases only)",
        f"{hours:g} h",
        hours * prices.rds_hourly(cls, False),
    )
    add(
        "database",
        "seed replica storage (dev's size)",
        f"{assume.dev_data_gib:g} GiB",
        assume.dev_data_gib * prices.price("rds_mysql", "gp3_per_gb_month_single_az"),
    )
