"""One protected bucket (SPEC R9), the same for every bucket of the stack: versioning, SSE-S3
(ALB access logs and S3 server access logs accept only SSE-S3), all public access blocked,
bucket-owner-enforced ownership (no ACLs), a TLS-only policy, and lifecycle rules that tier and
then expire. The bucket itself is protected: logs are evidence, and nothing here deletes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.iam_documents import document

Statements = Callable[[pulumi.Output[str]], list[dict[str, Any]]]
"""The policy statements a bucket adds to TLS-only, given its ARN (who may deliver to it)."""


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


def protected_bucket(
    ctx: StackContext,
    service: str,
    name: pulumi.Input[str],
    statements: Statements,
    parent: pulumi.Resource,
    provider: aws.Provider | None,
) -> ProtectedBucket:
    opts = pulumi.ResourceOptions(parent=parent, provider=provider)
    bucket = aws.s3.Bucket(
        ctx.name(service),
        bucket=name,
        force_destroy=False,
        tags={"Name": ctx.name(service)},
        opts=pulumi.ResourceOptions(parent=parent, provider=provider, protect=True),
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
    aws.s3.BucketOwnershipControls(
        ctx.name(f"{service}-ownership"),
        bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=opts,
    )
    policy = _policy(ctx, service, bucket, statements, parent, provider)
    _lifecycle(ctx, service, bucket, versioning, parent, provider)
    return ProtectedBucket(bucket, versioning, policy)


def _policy(
    ctx: StackContext,
    service: str,
    bucket: aws.s3.Bucket,
    statements: Statements,
    parent: pulumi.Resource,
    provider: aws.Provider | None,
) -> aws.s3.BucketPolicy:
    """All public access blocked, then the TLS-only policy with the bucket's own statements."""
    public_block = aws.s3.BucketPublicAccessBlock(
        ctx.name(f"{service}-public-access-block"),
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=pulumi.ResourceOptions(parent=parent, provider=provider),
    )
    return aws.s3.BucketPolicy(
        ctx.name(f"{service}-policy"),
        bucket=bucket.id,
        policy=document(tls_only(bucket.arn), *statements(bucket.arn)),
        # A policy put before the public access block can be rejected as "public".
        opts=pulumi.ResourceOptions(parent=parent, provider=provider, depends_on=[public_block]),
    )


def _lifecycle(
    ctx: StackContext,
    service: str,
    bucket: aws.s3.Bucket,
    versioning: aws.s3.BucketVersioning,
    parent: pulumi.Resource,
    provider: aws.Provider | None,
) -> aws.s3.BucketLifecycleConfiguration:
    return aws.s3.BucketLifecycleConfiguration(
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
        opts=pulumi.ResourceOptions(parent=parent, provider=provider, depends_on=[versioning]),
    )
