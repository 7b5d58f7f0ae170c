"""The seed (issue 10): a disposable read replica of dev that the production data is seeded
from, so dev never pauses; its snapshot at recorded binlog coordinates; and that snapshot's copy
under the production key, which the production instance is restored from (database.py).

`seed` creates it; `tap db seed` waits until it has caught up, stops its replication
(`mysql.rds_stop_replication`) and records the binlog coordinates it had applied; `snapshot`
snapshots it (replication still stopped, so the snapshot is exactly at those coordinates);
from `replicate` on production replicates from dev itself and the replica goes.

What RDS and the provider require of a same-region MySQL read replica:

- `replicate_source_db` is the source's identifier (an ARN only across regions); the source
  must have automated backups on (`tap preflight` checks dev's backup retention);
- no engine, engine version, storage, user name or password: a replica inherits them (and its
  encryption: dev's data is unencrypted, so is the replica and its snapshot; the copy with the
  production key is what encrypts);
- same-region replicas land in the source's DB subnet group, so the replica sits in dev's
  VPC next to dev, in dev's database group (read from settings, never owned).

The replica is a copy, not a record: no deletion protection, no final snapshot, nothing
protected depends on it (the snapshot names it by identifier). Deleting a replica never touches
its source: dev is read with a static `get` and cannot be deleted by this program. The snapshot
and its encrypted copy are the record of what production started from: protected against
`pulumi destroy`, and kept if ever removed from the program.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from tap import aws_types as t
from tap.components import timeouts
from tap.components.context import StackContext
from tap.phases import first_phase_with_snapshot_chain


def seed_replica_identifier(ctx: StackContext) -> str:
    """The replica's RDS identifier (also what the snapshot is taken of)."""
    return ctx.name("seed-replica")


def seed_replica(ctx: StackContext, dev: aws.rds.Instance, parent: pulumi.Resource) -> aws.rds.Instance:
    identifier = seed_replica_identifier(ctx)
    return aws.rds.Instance(
        identifier,
        identifier=identifier,
        # The configured id (same region): the replica follows dev, not the read's output.
        replicate_source_db=ctx.settings.database.dev_db_instance_id,
        # Dev's own class, read from dev: a smaller replica could fall behind and never catch up.
        instance_class=dev.instance_class,
        vpc_security_group_ids=[ctx.settings.dev_network.dev_db_security_group_id],
        publicly_accessible=False,
        multi_az=False,
        # Keep the replica at dev's exact version: the snapshot restores into production, and
        # production must not be ahead of dev while fallback (dev replicating from prod) is open.
        auto_minor_version_upgrade=False,
        # Created, snapshotted once and deleted: no automated backups of its own.
        backup_retention_period=0,
        apply_immediately=True,
        deletion_protection=False,
        skip_final_snapshot=True,
        copy_tags_to_snapshot=True,
        tags={
            "Name": identifier,
            "Purpose": "seed-replica",
            "MigrationSource": ctx.settings.database.dev_db_instance_id,
        },
        opts=pulumi.ResourceOptions(
            parent=parent,
            # Creating a replica copies dev's storage and replays its binlog: past the provider's
            # 40-minute default for a large dev (rule long-operations-carry-timeouts).
            custom_timeouts=timeouts.custom_timeouts(
                timeouts.REPLICA_CREATE, timeouts.INSTANCE_UPDATE, timeouts.INSTANCE_DELETE
            ),
        ),
    )


def migration_tags(ctx: StackContext) -> dict[str, pulumi.Input[str]]:
    """Where production came from, on the snapshot and its copy."""
    db, seed = ctx.settings.database, ctx.settings.seed
    return {
        "MigrationSource": db.dev_db_instance_id,
        "MigrationStack": pulumi.get_stack(),
        "MigrationPhase": first_phase_with_snapshot_chain().value,
        # Where production's replication from dev starts (`tap db sync` reads them back).
        "SeedBinlogFile": seed.seed_binlog_file,
        "SeedBinlogPosition": str(seed.seed_binlog_position),
    }


def seed_snapshot(
    ctx: StackContext, replica: aws.rds.Instance | None, parent: pulumi.Resource
) -> aws.rds.Snapshot:
    """The replica's snapshot, replication stopped at the recorded coordinates. It depends on
    the replica only while the replica exists (it goes at `replicate`): dropping a dependency
    changes nothing about a protected resource."""
    return aws.rds.Snapshot(
        ctx.name("seed-snapshot"),
        # The replica's configured identifier, not its output: the snapshot's inputs must
        # not change when the replica is deleted. Never dev: dev keeps taking writes.
        db_instance_identifier=seed_replica_identifier(ctx),
        db_snapshot_identifier=ctx.name("seed-snapshot"),
        tags={
            "Name": ctx.name("seed-snapshot"),
            "SeedReplica": seed_replica_identifier(ctx),
            **migration_tags(ctx),
        },
        opts=pulumi.ResourceOptions(
            parent=parent,
            protect=True,
            retain_on_delete=True,
            depends_on=[replica] if replica is not None else [],
            custom_timeouts=timeouts.for_type(t.RDS_SNAPSHOT),
        ),
    )


def encrypted_copy(
    ctx: StackContext, snapshot: aws.rds.Snapshot, kms_key_arn: pulumi.Input[str], parent: pulumi.Resource
) -> aws.rds.SnapshotCopy:
    """The snapshot re-encrypted with the production key: what production is restored from."""
    return aws.rds.SnapshotCopy(
        ctx.name("seed-snapshot-encrypted"),
        source_db_snapshot_identifier=snapshot.db_snapshot_arn,
        target_db_snapshot_identifier=ctx.name("seed-snapshot-encrypted"),
        kms_key_id=kms_key_arn,
        copy_tags=True,
        tags={"Name": ctx.name("seed-snapshot-encrypted"), **migration_tags(ctx)},
        opts=pulumi.ResourceOptions(
            parent=parent,
            protect=True,
            retain_on_delete=True,
            custom_timeouts=timeouts.for_type(t.RDS_SNAPSHOT_COPY),
        ),
    )
