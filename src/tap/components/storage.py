"""Storage (SPEC R9): the log bucket, its replica in another region, and replication; and the
bucket that receives the log bucket's own server access logs.

Every bucket gets the same protections from components/protected_bucket.py; what differs is who
may deliver to it (the ALB, S3's logging service), which this module states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from tap.components.context import StackContext
from tap.components.protected_bucket import ProtectedBucket, protected_bucket
from tap.iam_documents import allow, document, service_trust

# Where the ALB writes its access logs inside the log bucket.
ALB_LOG_PREFIX = "alb"
# Where S3 writes the log bucket's server access logs inside the access-log bucket.
ACCESS_LOG_PREFIX = "s3-access/logs/"

# Regions launched before August 2022 deliver ALB logs as a regional Elastic Load Balancing
# account; newer regions use the log-delivery service principal instead.
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "eu-west-1": "156460612806",
    "eu-central-1": "054676820928",
    "ap-southeast-1": "114774131450",
    "ap-northeast-1": "582318560864",
}


@dataclass(frozen=True)
class StorageArgs:
    ctx: StackContext
    replica_provider: aws.Provider


def alb_log_delivery(ctx: StackContext, bucket_arn: pulumi.Output[str]) -> dict[str, Any]:
    target = pulumi.Output.concat(bucket_arn, f"/{ALB_LOG_PREFIX}/AWSLogs/", ctx.account_id, "/*")
    account = ELB_LOG_ACCOUNTS.get(ctx.region)
    principal: dict[str, Any] = (
        {"AWS": f"arn:aws:iam::{account}:root"}
        if account
        else {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    )
    return {
        "Sid": "AlbAccessLogDelivery",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:PutObject",
        "Resource": target,
    }


def server_access_log_delivery(
    ctx: StackContext, bucket_arn: pulumi.Output[str], source_arn: pulumi.Output[str]
) -> dict[str, Any]:
    """What the S3 logging service may write: objects under the prefix, for the one source
    bucket of this account (the confused-deputy conditions AWS documents)."""
    return {
        "Sid": "S3ServerAccessLogDelivery",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": pulumi.Output.concat(bucket_arn, f"/{ACCESS_LOG_PREFIX}*"),
        "Condition": {
            "ArnLike": {"aws:SourceArn": source_arn},
            "StringEquals": {"aws:SourceAccount": ctx.account_id},
        },
    }


class Storage(pulumi.ComponentResource):
    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:Storage", name, None, opts)
        ctx = args.ctx
        suffix = ctx.settings.core.environment_suffix
        # A stable random part makes the globally unique names; it is state, not run-time
        # randomness, so every later `pulumi up` keeps the same names.
        self.name_part = random.RandomId(
            ctx.name("log-bucket-id"), byte_length=4, opts=pulumi.ResourceOptions(parent=self)
        )
        primary = self._bucket(ctx, "logs", f"prod-logs-{suffix}-", None, alb_logs=True)
        self._access_logs(ctx, suffix, primary.bucket)
        replica = self._bucket(
            ctx, "logs-replica", f"prod-logs-replica-{suffix}-", args.replica_provider, alb_logs=False
        )
        self.log_bucket, self.log_versioning = primary.bucket, primary.versioning
        # The ALB checks at creation that it may write its access logs: it must wait for this.
        self.log_bucket_policy = primary.policy
        self.replica_bucket, self.replica_versioning = replica.bucket, replica.versioning
        self._replication(ctx, self._replication_role(ctx))
        self.register_outputs(
            {"log_bucket": self.log_bucket.bucket, "replica_bucket": self.replica_bucket.bucket}
        )

    def _replication_role(self, ctx: StackContext) -> aws.iam.RolePolicy:
        """The role S3 replicates as: read the source's versions, write the replica, nothing else
        (its policy returned: replication waits for it)."""
        child = pulumi.ResourceOptions(parent=self)
        self.replication_role = aws.iam.Role(
            ctx.name("s3-replication-role"),
            assume_role_policy=service_trust("s3.amazonaws.com", ctx.account_id),
            description="S3 replication of the log bucket to its replica, and nothing else",
            opts=child,
        )
        src, dst = self.log_bucket.arn, self.replica_bucket.arn
        return aws.iam.RolePolicy(
            ctx.name("s3-replication-policy"),
            role=self.replication_role.id,
            policy=document(
                allow("ReadSourceConfiguration", ["s3:GetReplicationConfiguration", "s3:ListBucket"], [src]),
                allow(
                    "ReadSourceVersions",
                    [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                    ],
                    [pulumi.Output.concat(src, "/*")],
                ),
                allow(
                    "WriteReplica",
                    ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    [pulumi.Output.concat(dst, "/*")],
                ),
            ),
            opts=child,
        )

    def _replication(self, ctx: StackContext, role_policy: aws.iam.RolePolicy) -> None:
        self.replication = aws.s3.BucketReplicationConfig(
            ctx.name("logs-replication"),
            bucket=self.log_bucket.id,
            role=self.replication_role.arn,
            rules=[
                aws.s3.BucketReplicationConfigRuleArgs(
                    id="all-objects",
                    status="Enabled",
                    priority=1,
                    filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                    delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
                        status="Enabled"
                    ),
                    destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                        bucket=self.replica_bucket.arn,
                        storage_class="STANDARD",
                        # Replication Time Control: 99.99 % of objects within 15 minutes, measured.
                        replication_time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
                            status="Enabled",
                            time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(
                                minutes=15
                            ),
                        ),
                        metrics=aws.s3.BucketReplicationConfigRuleDestinationMetricsArgs(
                            status="Enabled",
                            event_threshold=aws.s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(
                                minutes=15
                            ),
                        ),
                    ),
                )
            ],
            # S3 rejects a replication configuration unless versioning is already on at both
            # ends, and the role must carry its policy before the first object replicates.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.log_versioning, self.replica_versioning, role_policy],
            ),
        )

    def _access_logs(self, ctx: StackContext, suffix: str, source: aws.s3.Bucket) -> None:
        """FSBP S3.9: the log bucket's own reads and writes are logged, to a bucket of their own.
        That bucket is the one documented exception to access logging (logging it into itself
        would log every log delivery, without end). S3 writes there as logging.s3.amazonaws.com,
        allowed by the bucket policy (ACLs are off); SSE-S3, because server access logging
        cannot deliver to a bucket whose default encryption is SSE-KMS."""
        access = self._bucket(
            ctx, "access-logs", f"prod-access-logs-{suffix}-", None, alb_logs=False, access_log_source=source
        )
        self.access_log_bucket = access.bucket
        self.access_logging = aws.s3.BucketLogging(
            ctx.name("logs-access-logging"),
            bucket=source.id,
            target_bucket=access.bucket.id,
            target_prefix=ACCESS_LOG_PREFIX,
            # S3 checks the target's policy when logging is switched on.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access.policy]),
        )

    def _bucket(
        self,
        ctx: StackContext,
        service: str,
        prefix: str,
        provider: aws.Provider | None,
        *,
        alb_logs: bool,
        access_log_source: aws.s3.Bucket | None = None,
    ) -> ProtectedBucket:
        """A protected bucket named from the stable random part, with who may deliver logs to it."""

        def deliveries(bucket_arn: pulumi.Output[str]) -> list[dict[str, Any]]:
            statements = [alb_log_delivery(ctx, bucket_arn)] if alb_logs else []
            if access_log_source is not None:
                statements.append(server_access_log_delivery(ctx, bucket_arn, access_log_source.arn))
            return statements

        name = pulumi.Output.concat(prefix, self.name_part.hex)
        return protected_bucket(ctx, service, name, deliveries, self, provider)
