"""The customer-managed KMS key (SPEC R3.1) that encrypts RDS, EBS, secrets, SNS and logs."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.iam_documents import (
    KEY_USE,
    alarms_publish_to_topic,
    key_policy_document,
    key_statement,
    key_user,
)

ASG_SERVICE = "autoscaling.amazonaws.com"
ASG_SLR_NAME = "AWSServiceRoleForAutoScaling"
ASG_SLR_PATH = f"aws-service-role/{ASG_SERVICE}/"


@dataclass(frozen=True)
class EncryptionArgs:
    ctx: StackContext


def key_policy(ctx: StackContext) -> pulumi.Output[str]:
    """The key policy. In a key policy `Resource: "*"` means this key and nothing else."""
    account, region = ctx.account_id, ctx.region
    # The Auto Scaling service-linked role launches the fleets' encrypted EBS volumes. Its
    # permissions cannot be edited, so only the key policy can let it use this key; without
    # this statement every launch fails with "Client.InternalError". KMS refuses a policy naming
    # a principal that does not exist, so the role exists first: the stack creates it
    # (createAutoScalingServiceLinkedRole) or the account already has it (tap preflight says).
    asg_role = pulumi.Output.concat("arn:aws:iam::", account, f":role/{ASG_SLR_PATH}{ASG_SLR_NAME}")
    log_groups = pulumi.Output.concat("arn:aws:logs:", region, ":", account, ":log-group:*")
    return key_policy_document(
        account,
        *key_user(
            {"AWS": asg_role}, use_sid="AutoScalingUsesKeyForEbs", grants_sid="AutoScalingGrantsForEbs"
        ),
        # Log groups (flow logs, query logs, RDS exports) encrypt through the logs service.
        key_statement(
            "CloudWatchLogsUsesKey",
            {"Service": f"logs.{region}.amazonaws.com"},
            KEY_USE,
            {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
        ),
        alarms_publish_to_topic(account),
    )


class Encryption(pulumi.ComponentResource):
    def __init__(self, name: str, args: EncryptionArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:Encryption", name, None, opts)
        ctx = args.ctx
        child = pulumi.ResourceOptions(parent=self)
        self.autoscaling_role = self._autoscaling_role(ctx)
        key_deps: list[pulumi.Resource] = [self.autoscaling_role] if self.autoscaling_role else []
        self.key = aws.kms.Key(
            ctx.name("kms"),
            description=f"tap production encryption key ({ctx.settings.core.environment_suffix})",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=30,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            policy=key_policy(ctx),
            tags={"Name": ctx.name("kms")},
            # Destroying the key makes every snapshot and backup it encrypted unreadable.
            # resourceKeyCreate retries CreateKey on MalformedPolicyDocumentException while a
            # new principal propagates (waitIAMPropagation), so a role created just before is fine.
            opts=pulumi.ResourceOptions(parent=self, protect=True, depends_on=key_deps),
        )
        self.alias = aws.kms.Alias(
            ctx.name("kms-alias"),
            name=f"alias/prod-encryption-{ctx.settings.core.environment_suffix}",
            target_key_id=self.key.key_id,
            opts=child,
        )
        self.register_outputs({"key_arn": self.key.arn, "alias": self.alias.name})

    def _autoscaling_role(self, ctx: StackContext) -> aws.iam.ServiceLinkedRole | None:
        """The Auto Scaling service-linked role, when the account does not have it yet.

        Creating it where it exists fails at once ("InvalidInput: Service role name
        AWSServiceRoleForAutoScaling has been taken"), which is loud and harmless; `tap
        preflight` reads the account and says which setting to use. The role is account-wide
        and other Auto Scaling groups rely on it: kept if the stack is destroyed."""
        if not ctx.settings.compute.create_autoscaling_slr:
            return None
        return aws.iam.ServiceLinkedRole(
            ctx.name("autoscaling-slr"),
            aws_service_name=ASG_SERVICE,
            description="Auto Scaling launches the fleets' EBS volumes encrypted with the tap key",
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
        )
