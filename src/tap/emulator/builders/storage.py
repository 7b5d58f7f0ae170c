"""The S3 buckets and every configuration the stack puts on them (versioning, encryption,
public access block, ownership, policy, lifecycle, replication), each in its bucket's region."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.emulator.registry import SeedContext, as_json, builds, num
from tap.offline.plan import PlannedResource


def _bucket_region(ctx: SeedContext, bucket: str) -> str:
    for b in ctx.of(t.S3_BUCKET):
        if bucket in (b.id, b.outputs.get("bucket")):
            return str(b.outputs.get("region") or ctx.region)
    return ctx.region


def _s3(ctx: SeedContext, r: PlannedResource) -> Any:
    return ctx.client("s3", _bucket_region(ctx, r.get("bucket")))


@builds(t.S3_BUCKET)
def bucket(ctx: SeedContext, r: PlannedResource) -> None:
    region = _bucket_region(ctx, r.id)
    kwargs: dict[str, Any] = {"Bucket": r.outputs.get("bucket") or r.id}
    if region != "us-east-1":  # us-east-1 rejects an explicit LocationConstraint
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    ctx.client("s3", region).create_bucket(**kwargs)


@builds(t.S3_VERSIONING)
def versioning(ctx: SeedContext, r: PlannedResource) -> None:
    status = (r.get("versioningConfiguration") or {}).get("status", "Enabled")
    _s3(ctx, r).put_bucket_versioning(Bucket=r.get("bucket"), VersioningConfiguration={"Status": status})


@builds(t.S3_SSE)
def encryption(ctx: SeedContext, r: PlannedResource) -> None:
    rules = []
    for rule in r.get("rules") or []:
        default = rule["applyServerSideEncryptionByDefault"]
        applied = {"SSEAlgorithm": default["sseAlgorithm"]}
        if default.get("kmsMasterKeyId"):
            applied["KMSMasterKeyID"] = ctx.sub.text(default["kmsMasterKeyId"])
        rules.append({"ApplyServerSideEncryptionByDefault": applied})
    _s3(ctx, r).put_bucket_encryption(
        Bucket=r.get("bucket"), ServerSideEncryptionConfiguration={"Rules": rules}
    )


@builds(t.S3_PUBLIC_ACCESS_BLOCK)
def public_access_block(ctx: SeedContext, r: PlannedResource) -> None:
    keys = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    config = {k: bool(r.get(k[0].lower() + k[1:])) for k in keys}
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


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ID": rule.get("id"),
        "Status": rule.get("status"),
        "Filter": {"Prefix": (rule.get("filter") or {}).get("prefix", "")},
    }
    if rule.get("noncurrentVersionExpiration"):
        days = rule["noncurrentVersionExpiration"].get("noncurrentDays")
        out["NoncurrentVersionExpiration"] = {"NoncurrentDays": num(days)}
    if rule.get("abortIncompleteMultipartUpload"):
        days = rule["abortIncompleteMultipartUpload"].get("daysAfterInitiation")
        out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": num(days)}
    if rule.get("expiration"):
        out["Expiration"] = {"Days": num(rule["expiration"].get("days"))}
    if rule.get("transitions"):
        out["Transitions"] = [
            {"Days": num(x.get("days")), "StorageClass": x.get("storageClass")} for x in rule["transitions"]
        ]
    return out


@builds(t.S3_LIFECYCLE)
def lifecycle(ctx: SeedContext, r: PlannedResource) -> None:
    rules = [_lifecycle_rule(rule) for rule in r.get("rules") or []]
    _s3(ctx, r).put_bucket_lifecycle_configuration(
        Bucket=r.get("bucket"), LifecycleConfiguration={"Rules": rules}
    )


def _replication_rule(rule: dict[str, Any]) -> dict[str, Any]:
    dest = rule.get("destination") or {}
    rtc = dest.get("replicationTime") or {}
    metrics = dest.get("metrics") or {}
    return {
        "ID": rule.get("id"),
        "Priority": num(rule.get("priority", 1)),
        "Status": rule.get("status"),
        "Filter": {"Prefix": (rule.get("filter") or {}).get("prefix", "")},
        "DeleteMarkerReplication": {"Status": (rule.get("deleteMarkerReplication") or {}).get("status")},
        "Destination": {
            "Bucket": dest.get("bucket"),
            "StorageClass": dest.get("storageClass", "STANDARD"),
            "ReplicationTime": {
                "Status": rtc.get("status"),
                "Time": {"Minutes": num((rtc.get("time") or {}).get("minutes", 15))},
            },
            "Metrics": {
                "Status": metrics.get("status"),
                "EventThreshold": {"Minutes": num((metrics.get("eventThreshold") or {}).get("minutes", 15))},
            },
        },
    }


@builds(t.S3_REPLICATION)
def replication(ctx: SeedContext, r: PlannedResource) -> None:
    rules = [_replication_rule(rule) for rule in r.get("rules") or []]
    _s3(ctx, r).put_bucket_replication(
        Bucket=r.get("bucket"), ReplicationConfiguration={"Role": ctx.sub.text(r.get("role")), "Rules": rules}
    )
