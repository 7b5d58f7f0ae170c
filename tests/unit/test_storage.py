"""SPEC R9: the log bucket, its replica in another region, and replication."""

from __future__ import annotations

import json

import pytest

from tap.offline.plan import Plan, PlannedResource

BUCKET = "aws:s3/bucket:Bucket"


def buckets(plan: Plan) -> dict[str, PlannedResource]:
    return {b.name: b for b in plan.of_type(BUCKET)}


def part(plan: Plan, typ: str, bucket: PlannedResource) -> PlannedResource:
    (found,) = [r for r in plan.of_type(typ) if r.get("bucket") == bucket.id]
    return found


@pytest.mark.parametrize("name", ["prod-logs-pay01", "prod-logs-replica-pay01", "prod-access-logs-pay01"])
def test_r9_1_r9_2_each_bucket_has_every_protection(plan: Plan, name: str) -> None:
    b = buckets(plan)[name]
    assert b.protect and b.get("forceDestroy") is False
    v = part(plan, "aws:s3/bucketVersioning:BucketVersioning", b)
    assert v.get("versioningConfiguration")["status"] == "Enabled"
    sse = part(
        plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", b
    )
    assert sse.get("rules")[0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    pab = part(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b)
    assert all(
        pab.get(k) is True
        for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    own = part(plan, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", b)
    assert own.get("rule")["objectOwnership"] == "BucketOwnerEnforced"
    policy = json.loads(part(plan, "aws:s3/bucketPolicy:BucketPolicy", b).get("policy"))
    deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(deny["Resource"]) == {b.outputs["arn"], b.outputs["arn"] + "/*"}
    (rule,) = part(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", b).get("rules")
    assert [(t["days"], t["storageClass"]) for t in rule["transitions"]] == [
        (30, "STANDARD_IA"),
        (90, "GLACIER_IR"),
    ]
    assert rule["expiration"]["days"] == 365
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == 30
    assert rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7


def test_r9_1_names_share_one_stable_random_part(plan: Plan) -> None:
    rid = plan.one("random:index/randomId:RandomId")
    names = {b.name: b.get("bucket") for b in plan.of_type(BUCKET)}
    assert names["prod-logs-pay01"] == f"prod-logs-pay01-{rid.outputs['hex']}"
    assert names["prod-logs-replica-pay01"] == f"prod-logs-replica-pay01-{rid.outputs['hex']}"


def test_r9_2_replica_lives_in_the_replica_region_through_its_own_provider(plan: Plan) -> None:
    b = buckets(plan)
    assert b["prod-logs-pay01"].outputs["region"] == "us-east-1"
    assert b["prod-logs-replica-pay01"].outputs["region"] == "us-west-2"
    assert b["prod-logs-pay01"].provider != b["prod-logs-replica-pay01"].provider


def test_r9_3_replication_sends_everything_to_the_replica_with_rtc(plan: Plan) -> None:
    b = buckets(plan)
    rep = plan.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    role = plan.by_arn(rep.get("role"))
    assert rep.get("bucket") == b["prod-logs-pay01"].id
    assert role.name == "prod-s3-replication-role-pay01"
    (rule,) = rep.get("rules")
    assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
    assert rule["deleteMarkerReplication"]["status"] == "Enabled"
    dest = rule["destination"]
    assert dest["bucket"] == b["prod-logs-replica-pay01"].outputs["arn"]
    assert dest["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert dest["metrics"]["status"] == "Enabled"


def test_r9_3_replication_is_ordered_after_versioning_on_both_buckets(plan: Plan) -> None:
    rep = plan.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    b = buckets(plan)
    ends = {b["prod-logs-pay01"].id, b["prod-logs-replica-pay01"].id}
    versionings = [
        v for v in plan.of_type("aws:s3/bucketVersioning:BucketVersioning") if v.get("bucket") in ends
    ]
    assert len(versionings) == 2
    assert all(v.urn in rep.dependencies for v in versionings)


def test_r4_3_replication_role_is_scoped_to_the_two_buckets(plan: Plan) -> None:
    b = buckets(plan)
    src, dst = b["prod-logs-pay01"].outputs["arn"], b["prod-logs-replica-pay01"].outputs["arn"]
    policy = json.loads(
        plan.one("aws:iam/rolePolicy:RolePolicy", "prod-s3-replication-policy-pay01").get("policy")
    )
    resources = {r for s in policy["Statement"] for r in s["Resource"]}
    assert resources == {src, src + "/*", dst + "/*"}


def test_r7_1_log_bucket_lets_the_regional_elb_account_write_alb_logs_only(plan: Plan) -> None:
    b = buckets(plan)["prod-logs-pay01"]
    policy = json.loads(part(plan, "aws:s3/bucketPolicy:BucketPolicy", b).get("policy"))
    (alb,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert alb["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert alb["Action"] == "s3:PutObject"
    assert alb["Resource"] == b.outputs["arn"] + "/alb/AWSLogs/123456789012/*"
