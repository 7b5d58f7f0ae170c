"""The database (SPEC R5): from a seed replica of dev to a Multi-AZ, encrypted production
MySQL that catches up by replication, so dev never stops taking payments.

The chain (the phase machine decides which parts exist):

    dev instance (read with a static `get`, never owned)
      -> seed replica of dev (`seed` and `snapshot` only)
      -> snapshot of the replica, replication stopped at recorded binlog coordinates
         (from `snapshot` on; protected, retained)
      -> copy of that snapshot encrypted with the production key (protected, retained)
      -> production instance restored from the encrypted copy (protected), which
         replicates from dev from the coordinates (`tap db sync`) until `tap db cutover`

The replica, the snapshot and the encrypted copy are declared in components/seed.py; the
instance and what it needs (groups, roles, log groups, the fleets' parameters) here.

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

from tap import aws_types as t
from tap.components import timeouts
from tap.components.context import StackContext
from tap.components.database_audit import audit_option_group, export_retention_days
from tap.components.database_parameters import replication_parameters
from tap.components.seed import encrypted_copy, seed_replica, seed_snapshot
from tap.errors import TapError
from tap.iam_documents import service_trust

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
        self.parameter_group = self._parameter_group(ctx)
        self.option_group = audit_option_group(ctx, self)
        monitoring_attachment = self._monitoring_role(ctx)

        self.seed_replica = None
        if plan.seed_replica and self.dev is not None:
            self.seed_replica = seed_replica(ctx, self.dev, self)

        self.instance = self.final_snapshot = self.encrypted_copy = None
        if plan.snapshot_chain:
            self.final_snapshot = seed_snapshot(ctx, self.seed_replica, self)
            self.encrypted_copy = encrypted_copy(ctx, self.final_snapshot, args.kms_key_arn, self)
            log_groups = self._export_log_groups(ctx, args.kms_key_arn)
            self.instance = self._production_instance(
                ctx, args, self.encrypted_copy, [*log_groups, monitoring_attachment]
            )
        self._location_parameters(ctx, args.writer_fqdn)
        self.register_outputs({"endpoint_parameter": self.endpoint_parameter.name})

    def _parameter_group(self, ctx: StackContext) -> aws.rds.ParameterGroup:
        return aws.rds.ParameterGroup(
            ctx.name("mysql-params"),
            name=ctx.name("mysql-params"),
            family=ctx.settings.database.parameter_group_family,
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
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _monitoring_role(self, ctx: StackContext) -> aws.iam.RolePolicyAttachment:
        """Enhanced monitoring's role (its policy attachment returned: the instance waits for it)."""
        self.monitoring_role = aws.iam.Role(
            ctx.name("rds-monitoring-role"),
            assume_role_policy=service_trust("monitoring.rds.amazonaws.com", ctx.account_id),
            description="RDS enhanced monitoring of the production MySQL",
            opts=pulumi.ResourceOptions(parent=self),
        )
        return aws.iam.RolePolicyAttachment(
            ctx.name("rds-monitoring-policy"),
            role=self.monitoring_role.name,
            policy_arn=RDS_MONITORING_POLICY,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _location_parameters(self, ctx: StackContext, writer_fqdn: pulumi.Input[str]) -> None:
        """Where the fleets find the database: the writer name, its port, and (once production
        exists) the ARN of the managed master secret."""
        child = pulumi.ResourceOptions(parent=self)
        self.endpoint_parameter = aws.ssm.Parameter(
            ctx.name("db-endpoint-param"),
            name=f"{self.parameter_prefix}/endpoint",
            type="String",
            insecure_value=writer_fqdn,
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

    def _export_log_groups(
        self, ctx: StackContext, kms_key_arn: pulumi.Input[str]
    ) -> list[aws.cloudwatch.LogGroup]:
        """RDS creates these log groups unencrypted and never-expiring if they do not exist when
        it first exports; creating them first keeps exported logs under our key and retention."""
        return [
            aws.cloudwatch.LogGroup(
                ctx.name(f"rds-{kind}-logs"),
                name=f"/aws/rds/instance/{ctx.name('rds')}/{kind}",
                retention_in_days=export_retention_days(ctx.settings, kind),
                kms_key_id=kms_key_arn,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for kind in LOG_EXPORTS
        ]

    def _production_instance(
        self, ctx: StackContext, args: DatabaseArgs, copy: aws.rds.SnapshotCopy, after: list[pulumi.Resource]
    ) -> aws.rds.Instance:
        """Restored from the encrypted copy, Multi-AZ as the phase says; created after `after`."""
        db, key, identifier = ctx.settings.database, args.kms_key_arn, ctx.name("rds")
        return aws.rds.Instance(
            identifier,
            identifier=identifier,
            snapshot_identifier=copy.target_db_snapshot_identifier,
            engine="mysql",
            # Exact, equal to dev's: the provider sends engine_version in the post-restore
            # ModifyDBInstance (resourceInstanceCreate), so "8.0" would upgrade to the default minor.
            engine_version=db.engine_version,
            allow_major_version_upgrade=False,
            instance_class=db.instance_class,
            storage_type="gp3",
            allocated_storage=self._allocated_storage(db.allocated_storage_gib),
            storage_encrypted=True,
            kms_key_id=key,
            multi_az=ctx.settings.phase_plan.multi_az,
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
            performance_insights_kms_key_id=key,
            performance_insights_retention_period=7,
            monitoring_interval=60,
            monitoring_role_arn=self.monitoring_role.arn,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            iam_database_authentication_enabled=True,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=key,
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
                depends_on=after,
                custom_timeouts=timeouts.for_type(t.RDS_INSTANCE),
            ),
        )
