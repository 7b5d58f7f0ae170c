"""The S3 buckets and every configuration the stack puts on them (versioning, encryption,
public access block, ownership, policy, lifecycle, replication), each in its bucket's region."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tap import aws_types as t
from tap.emulator.registry import SeedContext, as_json, builds
from tap.offline.plan import PlannedResource
from tap.values import integer

if TYPE_CHECKING:
    from types_boto3_s3.client import S3Client
    from types_boto3_s3.type_defs import (
        LifecycleRuleTypeDef,
        PublicAccessBlockConfigurationTypeDef,
        ReplicationRuleTypeDef,
        ServerSideEncryptionByDefaultTypeDef,
        ServerSideEncryptionRuleTypeDef,
    )


def _bucket_region(ctx: SeedContext, bucket: str) -> str:
    for b in ctx.of(t.S3_BUCKET):
        if bucket in (b.id, b.outputs.get("bucket")):
            return str(b.outputs.get("region") or ctx.region)
    return ctx.region


def _s3(ctx: SeedContext, r: PlannedResource) -> S3Client:
    return ctx.clients.client("s3", _bucket_region(ctx, r.get("bucket")))


@builds(t.S3_BUCKET)
def bucket(ctx: SeedContext, r: PlannedResource) -> None:
    region = _bucket_region(ctx, r.id)
    kwargs: dict[str, Any] = {"Bucket": r.outputs.get("bucket") or r.id}
    if region != "us-east-1":  # us-east-1 rejects an explicit LocationConstraint
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    ctx.clients.client("s3", region).create_bucket(**kwargs)


@builds(t.S3_VERSIONING)
def versioning(ctx: SeedContext, r: PlannedResource) -> None:
    status = (r.get("versioningConfiguration") or {}).get("status", "Enabled")
    _s3(ctx, r).put_bucket_versioning(Bucket=r.get("bucket"), VersioningConfiguration={"Status": status})


@builds(t.S3_SSE)
def encryption(ctx: SeedContext, r: PlannedResource) -> None:
    rules: list[ServerSideEncryptionRuleTypeDef] = []
    for rule in r.get("rules") or []:
        default = rule["applyServerSideEncryptionByDefault"]
        applied: ServerSideEncryptionByDefaultTypeDef = {"SSEAlgorithm": default["sseAlgorithm"]}
        if default.get("kmsMasterKeyId"):
            applied["KMSMasterKeyID"] = ctx.sub.text(default["kmsMasterKeyId"])
        rules.append({"ApplyServerSideEncryptionByDefault": applied})
    _s3(ctx, r).put_bucket_encryption(
        Bucket=r.get("bucket"), ServerSideEncryptionConfiguration={"Rules": rules}
    )


@builds(t.S3_PUBLIC_ACCESS_BLOCK)
def public_access_block(ctx: SeedContext, r: PlannedResource) -> None:
    config: PublicAccessBlockConfigurationTypeDef = {
        "BlockPublicAcls": bool(r.get("blockPublicAcls")),
        "IgnorePublicAcls": bool(r.get("ignorePublicAcls")),
        "BlockPublicPolicy": bool(r.get("blockPublicPolicy")),
        "RestrictPublicBuckets": bool(r.get("restrictPublicBuckets")),
    }
    _s3(ctx, r).put_public_access_block(Bucket=r.get("bucket"), PublicAccessBlockConfiguration=config)


@builds(t.S3_OWNERSHIP)
def ownership(ctx: SeedContext, r: PlannedResource) -> None:
    owner = (r.get("rule") or {}).get("objectOwnership", "BucketOwnerEnforced")
    _s3(ctx, r).put_bucket_ownership_controls(
        Bucket=r.get("bucket"), OwnershipControls={"Rules": [{"ObjectOwnership": owner}]}
    )


@builds(t.S3_POLICY)
def bucket_policy(ctx: SeedContext, r: PlannedResource) -> None:
    _s3(ctx, r).put_bucket_policy(Bucket=r.get("bucket"), Policy=ctx.sub.text(as_json(r.get("policy"))))


def _lifecycle_rule(rule: dict[str, Any]) -> LifecycleRuleTypeDef:
    # id and status are required inputs of the Pulumi rule, as ID and Status are of S3's
    out: LifecycleRuleTypeDef = {
        "ID": rule["id"],
        "Status": rule["status"],
        "Filter": {"Prefix": (rule.get("filter") or {}).get("prefix", "")},
    }
    if rule.get("noncurrentVersionExpiration"):
        days = rule["noncurrentVersionExpiration"].get("noncurrentDays")
        out["NoncurrentVersionExpiration"] = {"NoncurrentDays": integer(days)}
    if rule.get("abortIncompleteMultipartUpload"):
        days = rule["abortIncompleteMultipartUpload"].get("daysAfterInitiation")
        out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": integer(days)}
    if rule.get("expiration"):
        out["Expiration"] = {"Days": integer(rule["expiration"].get("days"))}
    if rule.get("transitions"):
        out["Transitions"] = [
            {"Days": integer(x.get("days")), "StorageClass": x.get("storageClass")}
            for x in rule["transitions"]
        ]
    return out


@builds(t.S3_LIFECYCLE)
def lifecycle(ctx: SeedContext, r: PlannedResource) -> None:
    rules = [_lifecycle_rule(rule) for rule in r.get("rules") or []]
    _s3(ctx, r).put_bucket_lifecycle_configuration(
        Bucket=r.get("bucket"), LifecycleConfiguration={"Rules": rules}
    )


def _replication_rule(rule: dict[str, Any]) -> ReplicationRuleTypeDef:
    dest = rule["destination"]
    rtc = dest["replicationTime"]
    metrics = dest["metrics"]
    return {
        "ID": rule["id"],
        "Priority": integer(rule.get("priority", 1)),
        "Status": rule["status"],
        "Filter": {"Prefix": (rule.get("filter") or {}).get("prefix", "")},
        "DeleteMarkerReplication": {"Status": rule["deleteMarkerReplication"]["status"]},
        "Destination": {
            "Bucket": dest["bucket"],
            "StorageClass": dest.get("storageClass", "STANDARD"),
            "ReplicationTime": {
                "Status": rtc["status"],
                "Time": {"Minutes": integer((rtc.get("time") or {}).get("minutes", 15))},
            },
            "Metrics": {
                "Status": metrics["status"],
                "EventThreshold": {
                    "Minutes": integer((metrics.get("eventThreshold") or {}).get("minutes", 15))
                },
            },
        },
    }


@builds(t.S3_REPLICATION)
def replication(ctx: SeedContext, r: PlannedResource) -> None:
    rules = [_replication_rule(rule) for rule in r.get("rules") or []]
    _s3(ctx, r).put_bucket_replication(
        Bucket=r.get("bucket"), ReplicationConfiguration={"Role": ctx.sub.text(r.get("role")), "Rules": rules}
    )
