"""Line items of the data tier: the databases this stack owns, their secrets, the peering with
dev, the snapshot chain, AWS Backup, and the S3 buckets with their replication."""

from __future__ import annotations

from collections.abc import Iterator

from tap import aws_types as t
from tap.cost.model import Basis, Cost, Line
from tap.offline.plan import PlannedResource
from tap.values import flag, number


def _seed_replica(b: Basis, db: PlannedResource) -> Iterator[Line]:
    """The read replica of dev: dev's class, single-AZ, dev's storage; it lives only through
    `seed` and `snapshot` (hours to days), so a month of it is the upper bound."""
    cls, hours = str(db.get("instanceClass")), b.hours
    yield Line(
        "database",
        f"seed replica {cls} (seeding phases only)",
        f"{hours:g} h",
        hours * b.prices.rds_hourly(cls, False),
    )
    yield Line(
        "database",
        "seed replica storage (dev's size)",
        f"{b.assume.dev_data_gib:g} GiB",
        b.assume.dev_data_gib * b.prices.price("rds_mysql", "gp3_per_gb_month_single_az"),
    )


def _production_db(b: Basis, db: PlannedResource) -> Iterator[Line]:
    h, prices = b.hours, b.prices
    cls = str(db.get("instanceClass"))
    multi = bool(flag(db.get("multiAz")))
    label = "Multi-AZ" if multi else "single-AZ"
    yield Line("database", f"RDS MySQL {cls} {label}", f"{h:g} h", h * prices.rds_hourly(cls, multi))
    gib = number(db.get("allocatedStorage"), 0.0)
    key = "gp3_per_gb_month_multi_az" if multi else "gp3_per_gb_month_single_az"
    yield Line(
        "database",
        f"RDS {db.get('storageType') or 'gp3'} storage ({label})",
        f"{gib:g} GiB",
        gib * prices.price("rds_mysql", key),
    )
    if flag(db.get("manageMasterUserPassword")):
        yield Line(
            "database",
            "Secrets Manager (RDS-managed master password)",
            "1 secret",
            prices.price("secrets_manager", "per_secret_month"),
        )


def databases(b: Basis) -> Iterator[Line]:
    """Instances this stack owns (the dev instance is read, not paid here)."""
    for db in b.plan.of_type(t.RDS_INSTANCE):
        if db.read:
            continue
        yield from (_seed_replica if db.get("replicateSourceDb") else _production_db)(b, db)


def secrets(b: Basis) -> Iterator[Line]:
    for _ in b.plan.of_type(t.SECRET):
        yield Line(
            "database",
            "Secrets Manager (replication user)",
            "1 secret",
            b.prices.price("secrets_manager", "per_secret_month"),
        )


def dev_peering(b: Basis) -> Iterator[Line]:
    if b.plan.of_type(t.VPC_PEERING):
        gb = b.assume.peering_gb_per_month
        yield Line(
            "network",
            "VPC peering with dev (cross-AZ share, both directions)",
            f"{gb:g} GB",
            gb * 2 * b.prices.price("vpc", "peering_cross_az_per_gb_each_way"),
        )


def snapshots(b: Basis) -> Iterator[Line]:
    snaps = b.plan.of_type(t.RDS_SNAPSHOT) + b.plan.of_type(t.RDS_SNAPSHOT_COPY)
    if snaps:
        gib = b.assume.dev_data_gib
        yield Line(
            "database",
            "manual snapshots kept (seed + encrypted copy)",
            f"{len(snaps)} x {gib:g} GiB",
            len(snaps) * gib * b.prices.price("rds_mysql", "snapshot_per_gb_month"),
        )


def backups(b: Basis) -> Iterator[Line]:
    """AWS Backup (R19): RDS snapshots are incremental, so each vault holds one full copy plus a
    day's change per retained day; the copy to the replica region moves a day's change daily."""
    assume, prices = b.assume, b.prices
    for bp in b.plan.of_type(t.BACKUP_PLAN):
        for rule in bp.get("rules") or []:
            days = number((rule.get("lifecycle") or {}).get("deleteAfter"), 0.0)
            stored = assume.dev_data_gib + days * assume.backup_daily_change_gib
            vaults = 1 + len(rule.get("copyActions") or [])
            yield Line(
                "database",
                f"AWS Backup recovery points ({days:g} days, {vaults} vaults)",
                f"{vaults} x {stored:g} GiB",
                vaults * stored * prices.price("rds_mysql", "snapshot_per_gb_month"),
            )
            moved = 30 * assume.backup_daily_change_gib * (vaults - 1)
            yield Line(
                "database",
                "AWS Backup cross-region copy transfer",
                f"{moved:g} GB",
                moved * prices.price("s3", "inter_region_transfer_per_gb"),
            )


def buckets(b: Basis) -> Iterator[Line]:
    assume, prices = b.assume, b.prices
    held = b.plan.of_type(t.S3_BUCKET)
    if held:
        # The replica holds the same data as the source; other buckets hold the log volume.
        yield Line(
            "storage",
            "S3 Standard",
            f"{len(held)} buckets x {assume.log_bucket_gb_stored:g} GB",
            len(held) * assume.log_bucket_gb_stored * prices.price("s3", "standard_per_gb_month"),
        )
    if b.plan.of_type(t.S3_REPLICATION):
        gb = assume.log_bucket_gb_written_per_month
        yield Line(
            "storage",
            "cross-region replication + RTC",
            f"{gb:g} GB",
            gb
            * (
                prices.price("s3", "inter_region_transfer_per_gb")
                + prices.price("s3", "replication_time_control_per_gb")
            ),
        )


COSTS: tuple[Cost, ...] = (databases, secrets, dev_peering, snapshots, backups, buckets)
