"""AWS Backup for the production database (SPEC R19; PCI DSS 12.10.1, FSBP RDS.26/Backup.1):
a daily recovery point in a vault under the production key, copied to a vault in the replica
region under a key of its own, both vaults locked so that a compromised administrator cannot
delete the recovery points early.

RDS's automated backups (7 days, point-in-time recovery) stay the first line; they live in the
instance's region and go when the instance is deleted. The AWS Backup copies survive both.

AWS facts encoded here:
- A KMS key is regional: the copy in the replica region is encrypted with that region's key,
  which the backup role must be allowed to use (key policy + role policy). RDS is not "fully
  managed" by AWS Backup, so the recovery point in the primary vault stays under the instance's
  key (the production key) and the vault key there protects vault metadata only.
- A vault lock rejects recovery points whose retention is outside [min, max]: the settings check
  that backupRetentionDays lies inside, so no job fails at 05:00 for a config reason.
- Compliance mode (changeable_for_days set) becomes immutable after the grace period: not even
  the root user can remove the lock or delete a recovery point early (docs/runbook.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.iam_documents import (
    FOR_AWS_RESOURCES,
    KEY_USE,
    allow,
    document,
    key_policy_document,
    key_user,
    service_trust,
)

# One of tap.iam_documents.ALLOWED_MANAGED_POLICIES (the policy checks enforce the list).
BACKUP_SERVICE_POLICY = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
# After RDS's backup window (03:00-04:00) and the Monday maintenance window (04:00-05:00):
# AWS Backup defers an RDS snapshot that would overlap either.
DAILY_SCHEDULE = "cron(0 5 ? * * *)"
START_WINDOW_MINUTES = 60
COMPLETION_WINDOW_MINUTES = 360


@dataclass(frozen=True)
class BackupArgs:
    ctx: StackContext
    kms_key_arn: pulumi.Input[str]
    db_instance_arn: pulumi.Input[str]
    replica_provider: aws.Provider


def replica_key_policy(ctx: StackContext, backup_role_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """The replica-region key: the account administers it through IAM; the backup role may
    encrypt the copies with it (RDS uses it through grants for the cross-region snapshot copy)."""
    return key_policy_document(
        ctx.account_id,
        *key_user(
            {"AWS": backup_role_arn},
            use_sid="BackupRoleEncryptsCopies",
            grants_sid="BackupRoleGrantsForRdsCopies",
        ),
    )


class Backup(pulumi.ComponentResource):
    def __init__(self, name: str, args: BackupArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:Backup", name, None, opts)
        ctx = args.ctx
        managed = self._role(ctx)
        self._replica_key(ctx, args.replica_provider)
        key_use = self._key_use(ctx, args.kms_key_arn)
        self.vault = self._vault(ctx, "backup-vault", args.kms_key_arn, None)
        self.replica_vault = self._vault(
            ctx, "backup-vault-replica", self.replica_key.arn, args.replica_provider
        )
        self.locks = [
            self._lock(ctx, "backup-vault-lock", self.vault, None),
            self._lock(ctx, "backup-vault-replica-lock", self.replica_vault, args.replica_provider),
        ]
        self.plan = self._daily_plan(ctx)
        self.selection = aws.backup.Selection(
            ctx.name("backup-selection"),
            name=ctx.name("backup-selection"),
            plan_id=self.plan.id,
            iam_role_arn=self.role.arn,
            resources=[args.db_instance_arn],
            # The role must carry its permissions before the first job assumes it.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[managed, key_use]),
        )
        self.register_outputs({"vault_arn": self.vault.arn, "replica_vault_arn": self.replica_vault.arn})

    def _role(self, ctx: StackContext) -> aws.iam.RolePolicyAttachment:
        """The role AWS Backup runs as, with the AWS-managed policy for RDS (returned: the
        selection waits for it)."""
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(
            ctx.name("backup-role"),
            # No aws:SourceAccount condition: AWS Backup is not documented to send it when it
            # assumes the role, and a condition it does not meet fails every job.
            assume_role_policy=service_trust("backup.amazonaws.com"),
            description="AWS Backup of the production database and its cross-region copy",
            opts=child,
        )
        return aws.iam.RolePolicyAttachment(
            ctx.name("backup-service-policy"),
            role=self.role.name,
            policy_arn=BACKUP_SERVICE_POLICY,
            opts=child,
        )

    def _replica_key(self, ctx: StackContext, provider: aws.Provider) -> None:
        core = ctx.settings.core
        self.replica_key = aws.kms.Key(
            ctx.name("backup-replica-kms"),
            description=f"tap backup copies in {core.replica_region} ({core.environment_suffix})",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=30,
            policy=replica_key_policy(ctx, self.role.arn),
            tags={"Name": ctx.name("backup-replica-kms")},
            # Destroying it makes every copy in the replica vault unreadable.
            opts=pulumi.ResourceOptions(parent=self, provider=provider, protect=True),
        )
        aws.kms.Alias(
            ctx.name("backup-replica-kms-alias"),
            name=f"alias/prod-backup-replica-{core.environment_suffix}",
            target_key_id=self.replica_key.key_id,
            opts=pulumi.ResourceOptions(parent=self, provider=provider),
        )

    def _key_use(self, ctx: StackContext, kms_key_arn: pulumi.Input[str]) -> aws.iam.RolePolicy:
        """The role's side of both keys (each key's policy is the other side)."""
        keys = [kms_key_arn, self.replica_key.arn]
        return aws.iam.RolePolicy(
            ctx.name("backup-key-use"),
            role=self.role.id,
            policy=document(
                allow("UseBothKeys", KEY_USE, keys),
                allow("GrantsForRdsCopies", ["kms:CreateGrant"], keys, condition=FOR_AWS_RESOURCES),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _daily_plan(self, ctx: StackContext) -> aws.backup.Plan:
        """One daily rule into the primary vault, each recovery point copied to the replica vault
        and both kept `backupRetentionDays`."""
        retention = ctx.settings.compliance.backup_retention_days
        return aws.backup.Plan(
            ctx.name("backup-plan"),
            name=ctx.name("backup-plan"),
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="daily",
                    target_vault_name=self.vault.name,
                    schedule=DAILY_SCHEDULE,
                    start_window=START_WINDOW_MINUTES,
                    completion_window=COMPLETION_WINDOW_MINUTES,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=retention),
                    copy_actions=[
                        aws.backup.PlanRuleCopyActionArgs(
                            destination_vault_arn=self.replica_vault.arn,
                            lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(delete_after=retention),
                        )
                    ],
                    recovery_point_tags={"Name": ctx.name("backup-daily")},
                )
            ],
            tags={"Name": ctx.name("backup-plan")},
            # A recovery point outside the lock's bounds fails its job: locks first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.locks),
        )

    def _vault(
        self, ctx: StackContext, service: str, key_arn: pulumi.Input[str], provider: aws.Provider | None
    ) -> aws.backup.Vault:
        return aws.backup.Vault(
            ctx.name(service),
            name=ctx.name(service),
            kms_key_arn=key_arn,
            force_destroy=False,
            tags={"Name": ctx.name(service)},
            # Recovery points are evidence and the last resort: nothing here deletes them.
            opts=pulumi.ResourceOptions(parent=self, provider=provider, protect=True),
        )

    def _lock(
        self, ctx: StackContext, service: str, vault: aws.backup.Vault, provider: aws.Provider | None
    ) -> aws.backup.VaultLockConfiguration:
        c = ctx.settings.compliance
        return aws.backup.VaultLockConfiguration(
            ctx.name(service),
            backup_vault_name=vault.name,
            min_retention_days=c.backup_vault_lock_min_retention_days,
            max_retention_days=c.backup_vault_lock_max_retention_days,
            # Set: compliance mode, immutable once these days pass. Unset: governance mode.
            changeable_for_days=(
                c.backup_vault_lock_grace_days if c.backup_vault_lock_mode == "compliance" else None
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=provider),
        )
