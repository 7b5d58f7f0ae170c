"""The release bundle the fleets install at boot (tap:appArtifactUri) exists.

Without it every instance fails its boot script, yet `pulumi up` succeeds (the group counts
instances InService during the health-check grace period) and the fleet churns.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from tap.preflight.context import PreflightContext
from tap.preflight.result import Check, CheckResult, failed, passed


def release_bundle(ctx: PreflightContext) -> CheckResult:
    uri = ctx.settings.compute.app_artifact_uri
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    read = f"s3:HeadObject {uri}"
    try:
        head = ctx.clients.client("s3").head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NoSuchBucket"):
            raise
        return failed(read, f"{uri} does not exist", "upload the release bundle, or fix tap:appArtifactUri")
    size = int(head.get("ContentLength", 0))
    if size == 0:
        return failed(read, f"{uri} is empty", "upload the real release bundle")
    return passed(read, f"{size} bytes, last modified {head.get('LastModified'):%Y-%m-%d %H:%M} UTC")


CHECKS = (
    Check(
        "release-bundle",
        "The release bundle object at tap:appArtifactUri exists.",
        release_bundle,
        permissions=("s3:GetObject (HeadObject)",),
    ),
)
