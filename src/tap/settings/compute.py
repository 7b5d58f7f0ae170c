"""The fleets: image, release bundle, instance types, sizes and scaling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic.dataclasses import dataclass

from tap.errors import Problem
from tap.settings.fields import GROUP_CONFIG, setting
from tap.settings.kinds import Flag, Text, Whole

if TYPE_CHECKING:
    from tap.settings.model import Settings

# Families with x86_64 builds: the default AMI parameter resolves an x86_64 image.
EC2_INSTANCE_TYPE = Text(
    r"(t3|t3a|m5|m5a|m6i|m6a|m7i|c5|c6i|c7i|r5|r6i)\.(micro|small|medium|large|xlarge|[2-9]xlarge|1[26]xlarge)",
    "an x86_64 EC2 instance type of family t3, t3a, m5, m5a, m6i, m6a, m7i, c5, c6i, c7i, r5 or r6i "
    "(e.g. m5.large)",
)
AMI_ID = Text(
    r"ami-([0-9a-f]{8}|[0-9a-f]{17})", "an AMI id: ami- and 8 or 17 lowercase hex digits", optional=True
)
ARTIFACT_URI = Text(
    r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[A-Za-z0-9!_.*'()/-]+\.tar\.gz",
    "an s3://bucket/key.tar.gz URI of the payment service release bundle",
)


@dataclass(frozen=True, config=GROUP_CONFIG)
class ComputeSettings:
    ami_parameter: Annotated[
        str, Text(r"/[A-Za-z0-9_.\-/]{1,1010}", "an SSM parameter path starting with /")
    ] = setting(
        "amiParameter",
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        "Public SSM parameter `tap.ami.resolve_ami` reads to suggest an amiId; the program never reads it.",
    )
    ami_id: Annotated[str, AMI_ID] = setting(
        "amiId",
        "",
        "The fleets' AMI, pinned for the migration (a new image mid-cutover would refresh green "
        "under traffic). Required; changing it is a reviewed settings change.",
    )
    app_artifact_uri: Annotated[str, ARTIFACT_URI] = setting(
        "appArtifactUri",
        "",
        "Release bundle the fleets install at boot (bin/start serves the app on 8080 with "
        "/health); the EC2 role may read exactly this object.",
    )
    blue_instance_type: Annotated[str, EC2_INSTANCE_TYPE] = setting(
        "blueInstanceType", "t3.micro", "Instance type of the blue (standby) launch template."
    )
    green_instance_type: Annotated[str, EC2_INSTANCE_TYPE] = setting(
        "greenInstanceType", "m5.large", "Instance type of the green (production) launch template."
    )
    green_min_size: Annotated[int, Whole(1, 100)] = setting(
        "greenMinSize", 3, "Green ASG minimum when active."
    )
    green_max_size: Annotated[int, Whole(1, 100)] = setting("greenMaxSize", 9, "Green ASG maximum.")
    green_desired_capacity: Annotated[int, Whole(1, 100)] = setting(
        "greenDesiredCapacity", 3, "Green ASG desired capacity when active."
    )
    blue_max_size: Annotated[int, Whole(0, 100)] = setting(
        "blueMaxSize", 3, "Blue ASG maximum (it idles at 0 as the slot for later releases)."
    )
    root_volume_gib: Annotated[int, Whole(8, 16384)] = setting("rootVolumeGib", 20, "gp3 root volume size.")
    scaling_cpu_target: Annotated[int, Whole(10, 90)] = setting(
        "scalingCpuTargetPercent", 60, "Target-tracking average CPU of each fleet."
    )
    create_autoscaling_slr: Annotated[bool, Flag()] = setting(
        "createAutoScalingServiceLinkedRole",
        True,
        "Create AWSServiceRoleForAutoScaling (named by the key policy, which KMS refuses while it "
        "does not exist); set false when the account already has it (`tap preflight` says which).",
    )


def green_sizes_ordered(s: Settings) -> Iterator[Problem]:
    """min <= desired <= max; min above max blames the minimum, not the desired capacity."""
    c = s.compute
    if c.green_min_size > c.green_max_size:
        yield Problem("greenMinSize", c.green_min_size, f"at most greenMaxSize ({c.green_max_size})")
    elif not c.green_min_size <= c.green_desired_capacity <= c.green_max_size:
        yield Problem(
            "greenDesiredCapacity",
            c.green_desired_capacity,
            f"a value between greenMinSize ({c.green_min_size}) and greenMaxSize ({c.green_max_size})",
        )


def ami_pinned(s: Settings) -> Iterator[Problem]:
    if not s.compute.ami_id:
        yield Problem(
            "amiId",
            "",
            "a pinned AMI id (resolve one with `tap.ami.resolve_ami` or the AWS console and "
            "record it: a per-run lookup would replace green's image mid-cutover)",
        )


CHECKS = [green_sizes_ordered, ami_pinned]
