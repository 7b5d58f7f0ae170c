"""The fleets' AMI: it must exist, be available and not be deprecated.

Found item 8: an AMI looked up on every run (an SSM "latest" parameter) changes the launch
template mid-cutover and refreshes green while it carries traffic, so the migration pins one.
The pinned id is the required setting `tap:amiId`; `tap.ami.resolve_ami` suggests a newer one
between migrations.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from tap.preflight.context import PreflightContext
from tap.preflight.result import Check, CheckResult, failed, passed, warned

SOON = timedelta(days=30)


def judge_image(image: Mapping[str, Any] | None, image_id: str, now: datetime, read: str) -> CheckResult:
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
    image_id = ctx.settings.compute.ami_id
    read = f"ec2:DescribeImages {image_id}"
    images = ctx.clients.client("ec2").describe_images(Filters=[{"Name": "image-id", "Values": [image_id]}])
    found = images["Images"]
    return judge_image(found[0] if found else None, image_id, ctx.now(), read)


CHECKS = (
    Check(
        "pinned-ami",
        "The pinned AMI (tap:amiId) exists, is available and is not deprecated.",
        pinned_ami,
        permissions=("ec2:DescribeImages",),
    ),
)
