"""The replication user's password container (issue 10): a Secrets Manager secret under the
production key, with no value in Pulumi.

`tap db` generates the password, stores it with `PutSecretValue` and reads it back when it
calls `mysql.rds_set_external_master(...)`; Pulumi declares only the container (no
`SecretVersion`), so the password never enters Pulumi state, a plan or a CI log.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext

RECOVERY_WINDOW_DAYS = 7


@dataclass(frozen=True)
class ReplicationSecretArgs:
    ctx: StackContext
    kms_key_arn: pulumi.Input[str]


class ReplicationSecret(pulumi.ComponentResource):
    secret: aws.secretsmanager.Secret

    def __init__(self, name: str, args: ReplicationSecretArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:ReplicationSecret", name, None, opts)
        ctx = args.ctx
        self.secret = aws.secretsmanager.Secret(
            ctx.name("replication-secret"),
            name=f"tap/{ctx.settings.core.environment_suffix}/db/replication",
            description="Password of the MySQL replication user between dev and production (set by tap db)",
            kms_key_id=args.kms_key_arn,
            # A deleted secret can be restored for a week: a mistaken removal is not a reseed.
            recovery_window_in_days=RECOVERY_WINDOW_DAYS,
            tags={"Name": ctx.name("replication-secret")},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"replication_secret_arn": self.secret.arn})
