"""The database (SPEC R5): from a seed replica of dev to a Multi-AZ, encrypted production
MySQL that catches up by replication, so dev never stops taking payments.

The chain (the phase machine decides which parts exist):

    dev instance (read with a static `get`, never owned)
      -> seed replica of dev (`seed` and `snapshot` only; see components/seed.py)
      -> snapshot of the replica, replication stopped at recorded binlog coordinates
         (from `snapshot` on; protected, retained)
      -> copy of that snapshot encrypted with the production key (protected, retained)
      -> production instance restored from the encrypted copy (protected), which
         replicates from dev from the coordinates (`tap db sync`) until `tap db cutover`

An unencrypted snapshot cannot be restored into an encrypted instance; the copy is the step
that encrypts. The master password is never in code, config or state: RDS manages it in
Secrets Manager under the production key.

The database endpoint parameter both fleets read holds the *writer name* in every phase (a
private record, components/writer_zone.py), never an instance address: which database takes
writes is moved by `tap db` flipping that record with one side fenced, never by a `pulumi up`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components import timeouts
from tap.components.context import StackContext
from tap.components.database_audit import audit_option_group, export_retention_days
from tap.components.database_parameters import replication_parameters
from tap.components.seed import seed_replica, seed_replica_identifier
from tap.errors import TapError
from tap.iam_documents import service_trust
from tap.phases import first_phase_with_snapshot_chain

MYSQL_PORT = 3306
# No "general": it would export every statement, card and personal data included (R5.4).
LOG_EXPORTS = ("audit", "error", "slowquery")
# One of tap.iam_documents.ALLOWED_MANAGED_POLICIES (the policy checks enforce the list).
RDS_MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


@dataclass(frozen=True)
class DatabaseArgs:
    ctx: StackContext
    kms_key_arn: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    db_security_group_id: pulumi.Input[str]
    writer_fqdn: pulumi.Input[str]
    """The writer record's name: what the endpoint parameter holds in every phase."""


def _same_port(port: int) -> str:
    # The writer name carries no port: both databases must listen where the fleets connect.
    if int(port) != MYSQL_PORT:
        raise TapError(f"dev's database listens on {port}; the writer name needs both on {MYSQL_PORT}")
    return str(int(port))


def _managed_secret_arn(secrets: Sequence[aws.rds.outputs.InstanceMasterUserSecret]) -> str:
    arn = secrets[0].secret_arn if secrets else None
    if not arn:
        # Without it the fleets cannot find their credentials: fail the update, loudly.
        raise TapError("RDS reported no managed master secret for the production instance")
    return arn


class Database(pulumi.ComponentResource):
    instance: aws.rds.Instance | None
    final_snapshot: aws.rds.Snapshot | None
    encrypted_copy: aws.rds.SnapshotCopy | None
    seed_replica: aws.rds.Instance | None

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:Database", name, None, opts)
        ctx = args.ctx
        db, plan = ctx.settings.database, ctx.settings.phase_plan
        child = pulumi.ResourceOptions(parent=self)
        self.parameter_prefix = f"/tap/{ctx.settings.core.environment_suffix}/db"

        # Read, never owned: a `get` registers no create, update or delete for dev. Once dev is
        # decommissioned (after it retires) the stack stops reading it, so updates keep working.
        self.dev: aws.rds.Instance | None = None
        if not db.dev_decommissioned:
            self.dev = aws.rds.Instance.get(ctx.name("dev-db-source"), db.dev_db_instance_id, opts=child)

        self.subnet_group = aws.rds.SubnetGroup(
            ctx.name("db-subnets"),
            name=ctx.name("db-subnets"),
            subnet_ids=list(args.private_subnet_ids),
            description="Private subnets of the production MySQL (one per AZ)",
            tags={"Name": ctx.name("db-subnets")},
            opts=child,
        )
        self.parameter_group = aws.rds.ParameterGroup(
            ctx.name("mysql-params"),
            name=ctx.name("mysql-params"),
            family=db.parameter_group_family,
            # The description is ForceNew on a named group the instance uses: left as it was,
            # although general_log is no longer set (R5.4), rather than replace the group.
            description="Production MySQL 8.0: TLS required, slow and general logs to CloudWatch",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="require_secure_transport", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="slow_query_log", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="long_query_time", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="log_output", value="FILE"),
                *(
                    aws.rds.ParameterGroupParameterArgs(
                        name=p.name, value=p.value, apply_method=p.apply_method
                    )
                    for p in replication_parameters(ctx.settings.db_parameters)
                ),
            ],
            tags={"Name": ctx.name("mysql-params")},
            opts=child,
        )
        self.option_group = audit_option_group(ctx, self)
        self.monitoring_role = aws.iam.Role(
            ctx.name("rds-monitoring-role"),
            assume_role_policy=service_trust("monitoring.rds.amazonaws.com", ctx.account_id),
            description="RDS enhanced monitoring of the production MySQL",
            opts=child,
        )
        monitoring_attachment = aws.iam.RolePolicyAttachment(
            ctx.name("rds-monitoring-policy"),
            role=self.monitoring_role.name,
            policy_arn=RDS_MONITORING_POLICY,
            opts=child,
        )

        self.seed_replica = None
        if plan.seed_replica and self.dev is not None:
            self.seed_replica = seed_replica(ctx, self.dev, self)

        self.instance = self.final_snapshot = self.encrypted_copy = None
        if plan.snapshot_chain:
            self._restore_chain(ctx, args, monitoring_attachment)

        self.endpoint_parameter = aws.ssm.Parameter(
            ctx.name("db-endpoint-param"),
            name=f"{self.parameter_prefix}/endpoint",
            type="String",
            insecure_value=args.writer_fqdn,
            description="The writer name (private record moved by tap db); both fleets read it",
            opts=child,
        )
        if self.dev is not None:
            port = self.dev.port.apply(_same_port)
        elif self.instance is not None:
            port = self.instance.port.apply(str)
        else:  # settings refuse this combination; kept as a guard for refactors
            raise TapError("no database to take writes: check devDecommissioned")
        self.port_parameter = aws.ssm.Parameter(
            ctx.name("db-port-param"),
            name=f"{self.parameter_prefix}/port",
            type="String",
            insecure_value=port,
            description="Port of the writer (the same on dev and production)",
            opts=child,
        )
        self.secret_parameter = None
        if self.instance is not None:
            self.secret_parameter = aws.ssm.Parameter(
                ctx.name("db-secret-param"),
                name=f"{self.parameter_prefix}/master-secret-arn",
                type="String",
                insecure_value=self.master_secret_arn,
                description="ARN of the RDS-managed master secret (the ARN, never the secret)",
                opts=child,
            )
        self.register_outputs({"endpoint_parameter": self.endpoint_parameter.name})

    def _allocated_storage(self, configured: int) -> pulumi.Input[int]:
        """Never below dev's: the restore's post-restore modify (resourceInstanceCreate sends
        allocated_storage in ModifyDBInstance) cannot shrink storage and fails the create."""
        if self.dev is None:
            return configured  # dev is gone; storage only ever grew, tap preflight compares
        return self.dev.allocated_storage.apply(lambda dev: max(configured, int(dev or 0)))

    @property
    def master_secret_arn(self) -> pulumi.Output[str]:
        if self.instance is None:
            raise AttributeError("no production instance in this phase")
        return self.instance.master_user_secrets.apply(_managed_secret_arn)

    def _restore_chain(
        self, ctx: StackContext, args: DatabaseArgs, monitoring_attachment: aws.iam.RolePolicyAttachment
    ) -> None:
        db, plan = ctx.settings.database, ctx.settings.phase_plan
        seed = ctx.settings.seed
        migration_tags = {
            "MigrationSource": db.dev_db_instance_id,
            "MigrationStack": pulumi.get_stack(),
            "MigrationPhase": first_phase_with_snapshot_chain().value,
            # Where production's replication from dev starts (`tap db sync` reads them back).
            "SeedBinlogFile": seed.seed_binlog_file,
            "SeedBinlogPosition": str(seed.seed_binlog_position),
        }
        # The seed snapshot and its copy are the record of what production started from:
        # protected against `pulumi destroy`, and kept if ever removed from the program.
        # It depends on the replica only while the replica exists (it goes at `replicate`):
        # dropping a dependency changes nothing about a protected resource.
        keep = pulumi.ResourceOptions(
            parent=self,
            protect=True,
            retain_on_delete=True,
            depends_on=[self.seed_replica] if self.seed_replica is not None else [],
        )
        self.final_snapshot = aws.rds.Snapshot(
            ctx.name("seed-snapshot"),
            # The replica's configured identifier, not its output: the snapshot's inputs must
            # not change when the replica is deleted. Never dev: dev keeps taking writes.
            db_instance_identifier=seed_replica_identifier(ctx),
            db_snapshot_identifier=ctx.name("seed-snapshot"),
            tags={
                "Name": ctx.name("seed-snapshot"),
                "SeedReplica": seed_replica_identifier(ctx),
                **migration_tags,
            },
            opts=pulumi.ResourceOptions.merge(
                keep, pulumi.ResourceOptions(custom_timeouts=timeouts.for_type(timeouts.RDS_SNAPSHOT))
            ),
        )
        keep = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True)
        self.encrypted_copy = aws.rds.SnapshotCopy(
            ctx.name("seed-snapshot-encrypted"),
            source_db_snapshot_identifier=self.final_snapshot.db_snapshot_arn,
            target_db_snapshot_identifier=ctx.name("seed-snapshot-encrypted"),
            kms_key_id=args.kms_key_arn,
            copy_tags=True,
            tags={"Name": ctx.name("seed-snapshot-encrypted"), **migration_tags},
            opts=pulumi.ResourceOptions.merge(
                keep, pulumi.ResourceOptions(custom_timeouts=timeouts.for_type(timeouts.RDS_SNAPSHOT_COPY))
            ),
        )
        identifier = ctx.name("rds")
        # RDS creates these log groups unencrypted and never-expiring if they do not exist when
        # it first exports; creating them first keeps exported logs under our key and retention.
        log_groups = [
            aws.cloudwatch.LogGroup(
                ctx.name(f"rds-{kind}-logs"),
                name=f"/aws/rds/instance/{identifier}/{kind}",
                retention_in_days=export_retention_days(ctx.settings, kind),
                kms_key_id=args.kms_key_arn,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for kind in LOG_EXPORTS
        ]
        self.instance = aws.rds.Instance(
            identifier,
            identifier=identifier,
            snapshot_identifier=self.encrypted_copy.target_db_snapshot_identifier,
            engine="mysql",
            # Exact, equal to dev's: the provider sends engine_version in the post-restore
            # ModifyDBInstance (resourceInstanceCreate), so "8.0" would upgrade to the default minor.
            engine_version=db.engine_version,
            allow_major_version_upgrade=False,
            instance_class=db.instance_class,
            storage_type="gp3",
            allocated_storage=self._allocated_storage(db.allocated_storage_gib),
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            multi_az=plan.multi_az,
            db_subnet_group_name=self.subnet_group.name,
            vpc_security_group_ids=[args.db_security_group_id],
            publicly_accessible=False,
            port=MYSQL_PORT,
            parameter_group_name=self.parameter_group.name,
            option_group_name=self.option_group.name,
            backup_retention_period=db.backup_retention_days,
            backup_window="03:00-04:00",
            maintenance_window="Mon:04:00-Mon:05:00",
            copy_tags_to_snapshot=True,
            deletion_protection=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=ctx.name("rds-final"),
            performance_insights_enabled=True,
            performance_insights_kms_key_id=args.kms_key_arn,
            performance_insights_retention_period=7,
            monitoring_interval=60,
            monitoring_role_arn=self.monitoring_role.arn,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            iam_database_authentication_enabled=True,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=args.kms_key_arn,
            # No engine change during the migration: a minor upgrade on prod would leave dev
            # (the fallback replication target) older than its source, which MySQL refuses.
            auto_minor_version_upgrade=False,
            # Multi-AZ and every other phase-dependent input change in the phase's own update:
            # without this resourceInstanceUpdate sends ApplyImmediately=false and RDS waits for
            # the maintenance window (rule rds-phase-changes-apply-immediately).
            apply_immediately=True,
            ca_cert_identifier="rds-ca-rsa2048-g1",
            tags={"Name": identifier},
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=True,
                depends_on=[*log_groups, monitoring_attachment],
                custom_timeouts=timeouts.for_type(timeouts.RDS_INSTANCE),
            ),
        )
