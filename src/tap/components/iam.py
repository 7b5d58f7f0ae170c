"""The application's identity (SPEC R4): the EC2 role and instance profile of both fleets.

Every statement names the exact resources it grants, built from the resources' own ARNs. The
only `"Resource": "*"` is for an action AWS cannot scope, with a condition, from the one
exception list in `tap.iam_documents`. Service roles live with what they serve: RDS monitoring
in database.py, S3 replication in storage.py, flow logs in network.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.iam_documents import ANY_RESOURCE, APP_METRICS_NAMESPACE, allow, document, service_trust

SSM_CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


@dataclass(frozen=True)
class AppIdentityArgs:
    ctx: StackContext
    kms_key_arn: pulumi.Input[str]
    log_bucket_arn: pulumi.Input[str]
    parameter_arns: list[pulumi.Input[str]]
    db_resource_id: pulumi.Input[str] | None
    db_secret_arn: pulumi.Input[str] | None


def db_user_arn(ctx: StackContext, resource_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """arn:aws:rds-db:{region}:{account}:dbuser:{DbiResourceId}/{user} — the resource id, not
    the instance name, is what IAM database authentication checks."""
    return pulumi.Output.concat(
        "arn:aws:rds-db:",
        ctx.region,
        ":",
        ctx.account_id,
        ":dbuser:",
        resource_id,
        "/",
        ctx.settings.database.iam_user,
    )


def app_statements(ctx: StackContext, args: AppIdentityArgs) -> list[dict[str, Any]]:
    bucket = pulumi.Output.from_input(args.log_bucket_arn)
    statements = [
        allow("ListLogBucket", ["s3:ListBucket"], [bucket]),
        allow("WriteAppLogs", ["s3:PutObject", "s3:GetObject"], [pulumi.Output.concat(bucket, "/*")]),
        allow("ReadDatabaseParameters", ["ssm:GetParameter", "ssm:GetParameters"], list(args.parameter_arns)),
        allow("UseProductionKey", ["kms:Decrypt", "kms:DescribeKey"], [args.kms_key_arn]),
        # PutMetricData has no resource ARN; the namespace condition is the scope.
        allow(
            "PublishAppMetrics",
            ["cloudwatch:PutMetricData"],
            [ANY_RESOURCE],
            {"StringEquals": {"cloudwatch:namespace": APP_METRICS_NAMESPACE}},
        ),
    ]
    bucket_name, _, key = ctx.settings.compute.app_artifact_uri.removeprefix("s3://").partition("/")
    statements.append(allow("ReadReleaseBundle", ["s3:GetObject"], [f"arn:aws:s3:::{bucket_name}/{key}"]))
    if args.db_resource_id is not None:
        statements.append(
            allow("ConnectAsAppUser", ["rds-db:connect"], [db_user_arn(ctx, args.db_resource_id)])
        )
    if args.db_secret_arn is not None:
        statements.append(
            allow(
                "ReadDatabaseSecret",
                ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                [args.db_secret_arn],
            )
        )
    return statements


class AppIdentity(pulumi.ComponentResource):
    def __init__(self, name: str, args: AppIdentityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:AppIdentity", name, None, opts)
        ctx = args.ctx
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(
            ctx.name("ec2-role"),
            assume_role_policy=service_trust("ec2.amazonaws.com"),
            description="Payment app fleets (blue and green): least privilege, explicit ARNs",
            opts=child,
        )
        self.policy = aws.iam.RolePolicy(
            ctx.name("ec2-app-policy"),
            role=self.role.id,
            policy=document(*app_statements(ctx, args)),
            opts=child,
        )
        # Session Manager replaces SSH: no key pairs, no port 22 anywhere in the stack.
        aws.iam.RolePolicyAttachment(
            ctx.name("ec2-ssm-core"), role=self.role.name, policy_arn=SSM_CORE_POLICY, opts=child
        )
        self.instance_profile = aws.iam.InstanceProfile(
            ctx.name("ec2-profile"), role=self.role.name, opts=child
        )
        self.register_outputs({"role_arn": self.role.arn, "instance_profile_arn": self.instance_profile.arn})
