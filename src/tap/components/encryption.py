"""The customer-managed KMS key (SPEC R3.1) that encrypts RDS, EBS, secrets, SNS and logs."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.iam_documents import ANY_RESOURCE

KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]


@dataclass(frozen=True)
class EncryptionArgs:
    ctx: StackContext


def key_policy(ctx: StackContext) -> pulumi.Output[str]:
    """The key policy. In a key policy `Resource: "*"` means this key and nothing else."""
    account, region = ctx.account_id, ctx.region
    root = pulumi.Output.concat("arn:aws:iam::", account, ":root")
    # The Auto Scaling service-linked role launches the fleets' encrypted EBS volumes. Its
    # permissions cannot be edited, so only the key policy can let it use this key; without
    # this statement every launch fails with "Client.InternalError". The role must exist before
    # the key policy names it (see docs/runbook.md, prerequisites).
    asg_role = pulumi.Output.concat(
        "arn:aws:iam::",
        account,
        ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
    )
    statements = [
        {
            # Delegates to IAM: without it the key can become unmanageable by anyone.
            "Sid": "AccountAdministersKeyThroughIam",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:*",
            "Resource": ANY_RESOURCE,
        },
        {
            "Sid": "AutoScalingUsesKeyForEbs",
            "Effect": "Allow",
            "Principal": {"AWS": asg_role},
            "Action": KEY_USE,
            "Resource": ANY_RESOURCE,
        },
        {
            "Sid": "AutoScalingGrantsForEbs",
            "Effect": "Allow",
            "Principal": {"AWS": asg_role},
            "Action": "kms:CreateGrant",
            "Resource": ANY_RESOURCE,
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
        {
            # Log groups (flow logs, query logs, RDS exports) encrypt through the logs service.
            "Sid": "CloudWatchLogsUsesKey",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.amazonaws.com"},
            "Action": KEY_USE,
            "Resource": ANY_RESOURCE,
            "Condition": {
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": pulumi.Output.concat(
                        "arn:aws:logs:", region, ":", account, ":log-group:*"
                    )
                }
            },
        },
        {
            # Alarms publish to the encrypted SNS topic as the CloudWatch service; without this
            # statement alarm notifications are dropped with no error anywhere.
            "Sid": "CloudWatchAlarmsPublishToEncryptedTopic",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": ANY_RESOURCE,
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        },
    ]
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements})


class Encryption(pulumi.ComponentResource):
    def __init__(self, name: str, args: EncryptionArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:Encryption", name, None, opts)
        ctx = args.ctx
        child = pulumi.ResourceOptions(parent=self)
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
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        self.alias = aws.kms.Alias(
            ctx.name("kms-alias"),
            name=f"alias/prod-encryption-{ctx.settings.core.environment_suffix}",
            target_key_id=self.key.key_id,
            opts=child,
        )
        self.register_outputs({"key_arn": self.key.arn, "alias": self.alias.name})
