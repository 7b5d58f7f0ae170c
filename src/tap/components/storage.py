"""Storage (SPEC R9): the log bucket, its replica in another region, and replication.

Both buckets get the same protections through one helper: versioning, SSE-S3 (ALB access
logs accept only SSE-S3), all public access blocked, bucket-owner-enforced ownership, a
TLS-only policy and lifecycle rules. Buckets are protected: logs are evidence, and nothing in
this program deletes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from tap.components.context import StackContext
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


@dataclass(frozen=True)
class ProtectedBucket:
    bucket: aws.s3.Bucket
    versioning: aws.s3.BucketVersioning
    policy: aws.s3.BucketPolicy


def tls_only(bucket_arn: pulumi.Output[str]) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


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

        child = pulumi.ResourceOptions(parent=self)
        self.replication_role = aws.iam.Role(
            ctx.name("s3-replication-role"),
            assume_role_policy=service_trust("s3.amazonaws.com", ctx.account_id),
            description="S3 replication of the log bucket to its replica, and nothing else",
            opts=child,
        )
        src, dst = self.log_bucket.arn, self.replica_bucket.arn
        replication_policy = aws.iam.RolePolicy(
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
                depends_on=[self.log_versioning, self.replica_versioning, replication_policy],
            ),
        )
        self.register_outputs(
            {"log_bucket": self.log_bucket.bucket, "replica_bucket": self.replica_bucket.bucket}
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
        opts = pulumi.ResourceOptions(parent=self, provider=provider)
        bucket = aws.s3.Bucket(
            ctx.name(service),
            bucket=pulumi.Output.concat(prefix, self.name_part.hex),
            force_destroy=False,
            tags={"Name": ctx.name(service)},
            opts=pulumi.ResourceOptions(parent=self, provider=provider, protect=True),
        )
        versioning = aws.s3.BucketVersioning(
            ctx.name(f"{service}-versioning"),
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=opts,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            ctx.name(f"{service}-sse"),
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="AES256"
                    )
                )
            ],
            opts=opts,
        )
        public_block = aws.s3.BucketPublicAccessBlock(
            ctx.name(f"{service}-public-access-block"),
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=opts,
        )
        aws.s3.BucketOwnershipControls(
            ctx.name(f"{service}-ownership"),
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=opts,
        )
        statements = [tls_only(bucket.arn)]
        if alb_logs:
            statements.append(alb_log_delivery(ctx, bucket.arn))
        if access_log_source is not None:
            statements.append(server_access_log_delivery(ctx, bucket.arn, access_log_source.arn))
        policy = aws.s3.BucketPolicy(
            ctx.name(f"{service}-policy"),
            bucket=bucket.id,
            policy=pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements}),
            # A policy put before the public access block can be rejected as "public".
            opts=pulumi.ResourceOptions(parent=self, provider=provider, depends_on=[public_block]),
        )
        aws.s3.BucketLifecycleConfiguration(
            ctx.name(f"{service}-lifecycle"),
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="tier-and-expire",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    transitions=[
                        aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                            days=30, storage_class="STANDARD_IA"
                        ),
                        # PCI DSS 10.5.1: the last three months immediately readable. Glacier
                        # Instant Retrieval reads in milliseconds; GLACIER (Flexible Retrieval)
                        # needs a restore of minutes to hours, so it is not "immediately available".
                        aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                            days=90, storage_class="GLACIER_IR"
                        ),
                    ],
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=365),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=30
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=7
                    ),
                ),
            ],
            # Lifecycle on a versioned bucket must follow the versioning configuration.
            opts=pulumi.ResourceOptions(parent=self, provider=provider, depends_on=[versioning]),
        )
        return ProtectedBucket(bucket, versioning, policy)
