"""Fakes of RDS instances, groups and snapshots, DynamoDB, SSM parameters, AWS Backup, S3
buckets and their parts, and random ids."""

from __future__ import annotations

import base64
from typing import Any

from tap import aws_types as t
from tap.offline.fakes.context import Fake, FakeContext, digest, uuid
from tap.registrar import registrar

FAKES: dict[str, Fake] = {}
fake = registrar(FAKES)


@fake(t.DYNAMODB_TABLE)
def _table(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("dynamodb", f"table/{name}"), "streamArn": ""}


@fake(t.SSM_PARAMETER)
def _parameter(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    path = name if name.startswith("/") else "/" + name
    return name, {
        "name": name,
        "arn": c.arn("ssm", f"parameter{path}"),
        "version": 1,
        "tier": c.inputs.get("tier", "Standard"),
    }


def _rds_address(c: FakeContext, identifier: str) -> str:
    # The cluster-unique part of an RDS hostname is per account and region, not per instance.
    return f"{identifier}.{digest(c.account, c.region, length=12)}.{c.region}.rds.amazonaws.com"


@fake(t.RDS_INSTANCE)
def _rds_instance(c: FakeContext) -> tuple[str, dict[str, Any]]:
    identifier = c.physical_name("identifier", 63)
    address = _rds_address(c, identifier)
    port = int(c.inputs.get("port") or 3306)
    out: dict[str, Any] = {
        "identifier": identifier,
        "arn": c.arn("rds", f"db:{identifier}"),
        "resourceId": "db-" + c.h(26).upper(),
        "address": address,
        "endpoint": f"{address}:{port}",
        "port": port,
        "hostedZoneId": "Z2R2ITUGPM61AM",
        "status": "available",
    }
    if c.inputs.get("manageMasterUserPassword"):
        # AWS names the managed secret rds!db-<uuid> and appends six random characters.
        out["masterUserSecrets"] = [
            {
                "secretArn": c.arn("secretsmanager", f"secret:rds!db-{uuid(c, 'secret')}-{c.h(6, 'sfx')}"),
                "kmsKeyId": c.inputs.get("masterUserSecretKmsKeyId", ""),
                "secretStatus": "active",
            }
        ]
    return identifier, out


@fake(
    t.RDS_SUBNET_GROUP,
    t.RDS_PARAMETER_GROUP,
    t.RDS_OPTION_GROUP,
)
def _rds_group(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    kind = {"subnetGroup": "subgrp", "parameterGroup": "pg", "optionGroup": "og"}[
        c.typ.split("/")[1].split(":")[0]
    ]
    return name, {"name": name, "arn": c.arn("rds", f"{kind}:{name}")}


@fake(t.BACKUP_VAULT)
def _backup_vault(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {"name": name, "arn": c.arn("backup", f"backup-vault:{name}"), "recoveryPoints": 0}


@fake(t.BACKUP_PLAN)
def _backup_plan(c: FakeContext) -> tuple[str, dict[str, Any]]:
    pid = uuid(c)
    return pid, {"arn": c.arn("backup", f"backup-plan:{pid}"), "version": c.h(32, "version")}


@fake(t.BACKUP_SELECTION)
def _backup_selection(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return uuid(c), {}


@fake(t.BACKUP_VAULT_LOCK, t.S3_LOGGING)
def _by_parent_name(c: FakeContext) -> tuple[str, dict[str, Any]]:
    """Resources whose id is the name of what they configure."""
    return str(c.inputs.get("backupVaultName") or c.inputs.get("bucket") or c.name), {}


@fake(t.RDS_SNAPSHOT)
def _rds_snapshot(c: FakeContext) -> tuple[str, dict[str, Any]]:
    sid = c.physical_name("dbSnapshotIdentifier")
    return sid, {
        "dbSnapshotIdentifier": sid,
        "dbSnapshotArn": c.arn("rds", f"snapshot:{sid}"),
        "encrypted": False,
        "engine": "mysql",
        "status": "available",
        "snapshotType": "manual",
    }


@fake(t.RDS_SNAPSHOT_COPY)
def _rds_snapshot_copy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    sid = c.physical_name("targetDbSnapshotIdentifier")
    return sid, {
        "targetDbSnapshotIdentifier": sid,
        "dbSnapshotArn": c.arn("rds", f"snapshot:{sid}"),
        "encrypted": bool(c.inputs.get("kmsKeyId")),
        "engine": "mysql",
        "status": "available",
        "snapshotType": "manual",
    }


@fake(t.S3_BUCKET)
def _bucket(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name("bucket", 63)
    return name, {
        "bucket": name,
        "arn": f"arn:aws:s3:::{name}",
        "bucketDomainName": f"{name}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{name}.s3.{c.region}.amazonaws.com",
        "hostedZoneId": "Z3AQBSTGFYJSTF",
    }


def _bucket_part(c: FakeContext) -> tuple[str, dict[str, Any]]:
    """Bucket sub-resources (versioning, policy, ...) are identified by their bucket."""
    return str(c.inputs.get("bucket", c.name)), {}


for _t in (
    t.S3_VERSIONING,
    t.S3_SSE,
    t.S3_PUBLIC_ACCESS_BLOCK,
    t.S3_POLICY,
    t.S3_LIFECYCLE,
    t.S3_OWNERSHIP,
    t.S3_REPLICATION,
):
    FAKES[_t] = _bucket_part


@fake("random:index/randomId:RandomId")
def _random_id(c: FakeContext) -> tuple[str, dict[str, Any]]:
    n = int(c.inputs.get("byteLength", 4))
    raw = bytes.fromhex(c.h(2 * n, "random"))
    b64url = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return b64url, {
        "hex": raw.hex(),
        "dec": str(int.from_bytes(raw, "big")),
        "b64Std": base64.b64encode(raw).decode(),
        "b64Url": b64url,
    }
