"""The fleets' AMI: it must exist, be available and not be deprecated.

Found item 8: an AMI looked up on every run (an SSM "latest" parameter) changes the launch
template mid-cutover and refreshes green while it carries traffic, so the migration pins one.
The pinned id comes from the compute settings (`ami_id`) once that setting exists; until then
the check resolves `tap:amiParameter` the way the stack does, and warns that it is not pinned.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tap.preflight.context import PreflightContext
from tap.preflight.result import Check, CheckResult, failed, passed, warned

SOON = timedelta(days=30)


def judge_image(image: dict[str, Any] | None, image_id: str, now: datetime, read: str) -> CheckResult:
    """Pure: the DescribeImages record of one image, judged (tested without an emulator, which
    cannot deprecate an image)."""
    if image is None:
        return failed(
            read, f"{image_id} does not exist (or is not shared with this account)", "pin an existing AMI"
        )
    state = image.get("State")
    if state != "available":
        return failed(read, f"{image_id} is {state}, not available", "pin an available AMI")
    raw = image.get("DeprecationTime")
    if raw:
        deprecated = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        if deprecated <= now:
            return failed(
                read,
                f"{image_id} has been deprecated since {deprecated:%Y-%m-%d}",
                "pin a current AMI (a reviewed settings change, outside the traffic phases)",
            )
        if deprecated - now < SOON:
            return warned(
                read, f"{image_id} is deprecated from {deprecated:%Y-%m-%d}", "plan its replacement"
            )
    return passed(read, f"{image_id} ({image.get('Name', '')}) available, not deprecated")


def pinned_ami(ctx: PreflightContext) -> CheckResult:
    ec2 = ctx.clients.client("ec2")
    pinned = getattr(ctx.settings.compute, "ami_id", "") or ""
    if pinned:
        image_id, read, note = pinned, f"ec2:DescribeImages {pinned}", ""
    else:
        param = ctx.settings.compute.ami_parameter
        image_id = ctx.clients.client("ssm").get_parameter(Name=param)["Parameter"]["Value"]
        read = f"ssm:GetParameter {param} -> ec2:DescribeImages {image_id}"
        note = "not pinned"
    images = ec2.describe_images(Filters=[{"Name": "image-id", "Values": [image_id]}])["Images"]
    result = judge_image(images[0] if images else None, image_id, ctx.now(), read)
    if note and result.status.value == "pass":
        return warned(
            read,
            f"{result.message}; {note}: the stack looks up {ctx.settings.compute.ami_parameter} on every "
            "run, so a new image mid-cutover replaces green's launch template",
            f"pin the AMI for the migration: {image_id}",
        )
    return result


CHECKS = (
    Check(
        "pinned-ami",
        "The fleets' AMI (pinned, else tap:amiParameter) exists, is available, not deprecated.",
        pinned_ami,
        permissions=("ssm:GetParameter (until the AMI is pinned)", "ec2:DescribeImages"),
    ),
)
