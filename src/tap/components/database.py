"""The database (SPEC R5): from dev's final snapshot to a Multi-AZ, encrypted production MySQL.

The chain, from the `snapshot` phase on (the phase machine decides):

    dev instance (read with a static `get`, never owned)
      -> final snapshot of dev (taken after the write freeze; protected, retained)
      -> copy of that snapshot encrypted with the production key
      -> production instance restored from the encrypted copy (protected)

An unencrypted snapshot cannot be restored into an encrypted instance; the copy is the step
that encrypts. The master password is never in code, config or state: RDS manages it in
Secrets Manager under the production key.

The database endpoint parameter is how the phase machine keeps one writer. It always holds the
address of the database that takes payment writes in the current phase (dev until production
is the system of record, then prod), and both fleets read it. Two writable databases at once
would be two ledgers, and a payment written to the wrong one is a lost payment: so the
parameter flips to prod in the same update that makes prod the system of record, before any
traffic reaches green.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components import timeouts
from tap.components.context import StackContext
from tap.components.database_audit import audit_option_group, export_retention_days
from tap.errors import TapError
from tap.iam_documents import service_trust
from tap.phases import SystemOfRecord, first_phase_with_snapshot_chain

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

        self.instance = self.final_snapshot = self.encrypted_copy = None
        if plan.snapshot_chain:
            self._restore_chain(ctx, args, monitoring_attachment)

        writer = self.instance if plan.system_of_record is SystemOfRecord.PROD else self.dev
        if writer is None:  # settings refuse this combination; kept as a guard for refactors
            raise TapError("no database takes writes in this phase: check devDecommissioned")
        self.endpoint_parameter = aws.ssm.Parameter(
            ctx.name("db-endpoint-param"),
            name=f"{self.parameter_prefix}/endpoint",
            type="String",
            insecure_value=writer.address,
            description="Address of the database that takes payment writes now; both fleets read it",
            opts=child,
        )
        self.port_parameter = aws.ssm.Parameter(
            ctx.name("db-port-param"),
            name=f"{self.parameter_prefix}/port",
            type="String",
            insecure_value=writer.port.apply(str),
            description="Port of the database that takes payment writes now",
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
        migration_tags = {
            "MigrationSource": db.dev_db_instance_id,
            "MigrationStack": pulumi.get_stack(),
            "MigrationPhase": first_phase_with_snapshot_chain().value,
        }
        # The final snapshot and its copy are the record of what production started from:
        # protected against `pulumi destroy`, and kept if ever removed from the program.
        keep = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True)
        self.final_snapshot = aws.rds.Snapshot(
            ctx.name("dev-final-snapshot"),
            # The configured id, not the read: the snapshot must not change when dev is gone.
            db_instance_identifier=db.dev_db_instance_id,
            db_snapshot_identifier=ctx.name("dev-final-snapshot"),
            tags={"Name": ctx.name("dev-final-snapshot"), **migration_tags},
            opts=pulumi.ResourceOptions.merge(
                keep, pulumi.ResourceOptions(custom_timeouts=timeouts.for_type(timeouts.RDS_SNAPSHOT))
            ),
        )
        self.encrypted_copy = aws.rds.SnapshotCopy(
            ctx.name("dev-final-snapshot-encrypted"),
            source_db_snapshot_identifier=self.final_snapshot.db_snapshot_arn,
            target_db_snapshot_identifier=ctx.name("dev-final-snapshot-encrypted"),
            kms_key_id=args.kms_key_arn,
            copy_tags=True,
            tags={"Name": ctx.name("dev-final-snapshot-encrypted"), **migration_tags},
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
