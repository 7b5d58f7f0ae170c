"""The rest of `tap verify --live`: the S3 buckets, the KMS key, the alarms and the weighted
DNS records the flat outputs name, read with get_*/describe_*/list_* calls and presented as the
resources the policy rules read (Pulumi type tokens, camelCase input names).

Read-only, like the rest of `tap.live`. A setting AWS reports as absent (no public access
block, no bucket policy, versioning never enabled) is passed on as absent, which the rules
treat as the violation it is; an output the stack does not have yet is simply not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from tap import aws_types as t
from tap.aws_clients import AwsClients
from tap.live.outputs import FlatOutputs
from tap.policies.runner import ResourceArgs, StackArgs, StackResource

if TYPE_CHECKING:
    from types_boto3_s3.client import S3Client

# Error codes S3 answers with when a bucket simply has no such configuration.
_NOT_CONFIGURED = {
    "NoSuchPublicAccessBlockConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchBucketPolicy",
    "NoSuchLifecycleConfiguration",
    "OwnershipControlsNotFoundError",
}


@dataclass
class ServiceState:
    """Raw answers, keyed the way the AWS APIs return them."""

    buckets: dict[str, dict[str, Any]] = field(default_factory=dict)
    key: dict[str, Any] | None = None
    alarms: list[Mapping[str, Any]] = field(default_factory=list)
    records: list[Mapping[str, Any]] = field(default_factory=list)


def _absent_if_unset(call: Callable[[], Mapping[str, Any]]) -> Mapping[str, Any] | None:
    try:
        return call()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _NOT_CONFIGURED:
            return None
        raise


def _bucket(s3: S3Client, name: str) -> dict[str, Any]:
    pab = _absent_if_unset(lambda: s3.get_public_access_block(Bucket=name))
    sse = _absent_if_unset(lambda: s3.get_bucket_encryption(Bucket=name))
    policy = _absent_if_unset(lambda: s3.get_bucket_policy(Bucket=name))
    lifecycle = _absent_if_unset(lambda: s3.get_bucket_lifecycle_configuration(Bucket=name))
    ownership = _absent_if_unset(lambda: s3.get_bucket_ownership_controls(Bucket=name))
    return {
        "Ownership": ((ownership or {}).get("OwnershipControls") or {}).get("Rules", []),
        "PublicAccessBlock": (pab or {}).get("PublicAccessBlockConfiguration", {}),
        "Versioning": s3.get_bucket_versioning(Bucket=name),
        "Encryption": ((sse or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules", []),
        "Policy": (policy or {}).get("Policy"),
        "Lifecycle": (lifecycle or {}).get("Rules", []),
    }


def read_services(clients: AwsClients, outputs: FlatOutputs) -> ServiceState:
    """Everything the outputs name; the caller turns ClientErrors into LiveReadError."""
    state = ServiceState()
    for name_key, region_key in (
        ("log_bucket_name", "log_bucket_region"),
        ("replica_bucket_name", "replica_bucket_region"),
    ):
        name = outputs.optional(name_key)
        if name:
            # The replica lives in another region; ask that region directly.
            state.buckets[name] = _bucket(clients.client("s3", outputs.optional(region_key)), name)

    key_id = outputs.optional("kms_key_id")
    if key_id:
        kms = clients.client("kms")
        state.key = {
            "Metadata": kms.describe_key(KeyId=key_id)["KeyMetadata"],
            "RotationEnabled": kms.get_key_rotation_status(KeyId=key_id).get("KeyRotationEnabled"),
            "Policy": kms.get_key_policy(KeyId=key_id, PolicyName="default").get("Policy"),
        }

    alarm_names = outputs.strings("alarm_names")
    if alarm_names:
        cw = clients.client("cloudwatch")
        for page in cw.get_paginator("describe_alarms").paginate(AlarmNames=alarm_names):
            state.alarms.extend(page.get("MetricAlarms", []))

    zone, fqdn = outputs.optional("hosted_zone_id"), outputs.optional("app_fqdn")
    if zone and fqdn:
        wanted = fqdn.rstrip(".").lower() + "."
        r53 = clients.client("route53")
        for rrsets in r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone):
            state.records.extend(
                r for r in rrsets.get("ResourceRecordSets", []) if str(r.get("Name", "")).lower() == wanted
            )
    return state


def _args(typ: str, name: str, props: dict[str, Any]) -> ResourceArgs:
    return ResourceArgs(resource_type=typ, props=props, urn=f"live::{typ}::{name}", name=name)


# One function per resource the rules read for a bucket: AWS's answer in Pulumi's input names.
def _public_access_block(b: dict[str, Any]) -> dict[str, Any]:
    pab = b["PublicAccessBlock"]
    return {
        "blockPublicAcls": pab.get("BlockPublicAcls"),
        "blockPublicPolicy": pab.get("BlockPublicPolicy"),
        "ignorePublicAcls": pab.get("IgnorePublicAcls"),
        "restrictPublicBuckets": pab.get("RestrictPublicBuckets"),
    }


def _versioning(b: dict[str, Any]) -> dict[str, Any]:
    # A bucket never versioned has no Status at all.
    return {"versioningConfiguration": {"status": b["Versioning"].get("Status")}}


def _encryption(b: dict[str, Any]) -> dict[str, Any]:
    return {
        "rules": [
            {
                "applyServerSideEncryptionByDefault": {
                    "sseAlgorithm": (r.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm")
                }
            }
            for r in b["Encryption"]
        ]
    }


def _policy(b: dict[str, Any]) -> dict[str, Any]:
    return {"policy": b["Policy"]}


def _ownership(b: dict[str, Any]) -> dict[str, Any]:
    rules = b["Ownership"]
    return {"rule": {"objectOwnership": rules[0].get("ObjectOwnership") if rules else None}}


def _lifecycle(b: dict[str, Any]) -> dict[str, Any]:
    return {
        "rules": [
            {
                "status": r.get("Status"),
                "noncurrentVersionExpiration": r.get("NoncurrentVersionExpiration"),
                "abortIncompleteMultipartUpload": r.get("AbortIncompleteMultipartUpload"),
            }
            for r in b["Lifecycle"]
        ]
    }


BUCKET_PARTS: tuple[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]], ...] = (
    (t.S3_PUBLIC_ACCESS_BLOCK, _public_access_block),
    (t.S3_VERSIONING, _versioning),
    (t.S3_SSE, _encryption),
    (t.S3_POLICY, _policy),
    (t.S3_OWNERSHIP, _ownership),
    (t.S3_LIFECYCLE, _lifecycle),
)
"""(Pulumi type, props from the raw answers), in the order `bucket_resources` lists them."""


def bucket_resources(state: ServiceState) -> list[ResourceArgs]:
    return [
        _args(typ, name, {"bucket": name, **props(b)})
        for name, b in state.buckets.items()
        for typ, props in BUCKET_PARTS
    ]


def key_resources(state: ServiceState) -> list[ResourceArgs]:
    if state.key is None:
        return []
    meta = state.key["Metadata"]
    return [
        _args(
            t.KMS_KEY,
            str(meta.get("KeyId")),
            {
                "customerMasterKeySpec": meta.get("KeySpec") or meta.get("CustomerMasterKeySpec"),
                "enableKeyRotation": state.key["RotationEnabled"],
                "policy": state.key["Policy"],
            },
        )
    ]


def alarm_resources(state: ServiceState) -> list[ResourceArgs]:
    return [
        _args(
            t.METRIC_ALARM,
            str(a.get("AlarmName")),
            {
                "alarmActions": a.get("AlarmActions", []),
                "okActions": a.get("OKActions", []),
                "actionsEnabled": a.get("ActionsEnabled"),
                "treatMissingData": a.get("TreatMissingData"),
                # route53-alarms-in-us-east-1 reads the region from the ARN.
                "namespace": a.get("Namespace"),
                "arn": a.get("AlarmArn"),
            },
        )
        for a in state.alarms
    ]


def record_props(r: Mapping[str, Any]) -> dict[str, Any]:
    alias = r.get("AliasTarget")
    props: dict[str, Any] = {
        "name": str(r.get("Name", "")).rstrip("."),
        "type": r.get("Type"),
        "setIdentifier": r.get("SetIdentifier"),
        "ttl": r.get("TTL"),
        "aliases": [{"name": alias.get("DNSName"), "zoneId": alias.get("HostedZoneId")}] if alias else None,
    }
    if "Weight" in r:
        props["weightedRoutingPolicies"] = [{"weight": r["Weight"]}]
    return props


def record_resources(state: ServiceState) -> list[ResourceArgs]:
    return [
        _args(t.ROUTE53_RECORD, f"{r.get('Name')}{r.get('SetIdentifier') or ''}", record_props(r))
        for r in state.records
    ]


def record_stack(state: ServiceState) -> StackArgs:
    """The weighted records as a stack, for the rule that needs all of a name's records at once."""
    return StackArgs(
        resources=[
            StackResource(resource_type=a.resource_type, props=a.props, urn=a.urn, name=a.name, provider="")
            for a in record_resources(state)
        ]
    )


def service_resources(state: ServiceState) -> list[ResourceArgs]:
    return [
        *bucket_resources(state),
        *key_resources(state),
        *alarm_resources(state),
        *record_resources(state),
    ]
