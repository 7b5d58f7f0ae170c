"""AWS name limits (SPEC R20): a name AWS refuses fails `pulumi up` after everything before it
was created, so the pack checks every explicit name before anything is.

Limits, from the AWS API references (CreateLoadBalancer / CreateTargetGroup: 32 characters,
alphanumerics and hyphens, no leading or trailing hyphen, a load balancer not starting with
"internal-"; CreateDBInstance: 1-63, a letter first, no "--", no trailing hyphen; DB snapshot
identifiers the same rules up to 255; CreateRole: 64; CreateTopic: 256 of alphanumerics,
hyphens and underscores; S3 bucket naming rules: 3-63 lowercase letters, digits, dots and
hyphens, alphanumeric at both ends; CreateLaunchTemplate: 3-128 of `[a-zA-Z0-9().-/_]`;
CreateAutoScalingGroup: 1-255, no colon).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from tap import aws_types as t
from tap.policies.rules import Report, Resource, resource_rule

# Pulumi's auto-naming appends "-" and seven random characters to the logical name.
AUTONAME_SUFFIX: Final = 8


@dataclass(frozen=True)
class NameLimit:
    key: str
    low: int
    high: int
    pattern: str
    allowed: str
    autonamed: bool = False
    """Pulumi auto-names the resource when the key is unset (then the logical name counts)."""


_ELB = NameLimit(
    "name",
    1,
    32,
    r"(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?",
    "letters, digits and inner hyphens",
)
_TG = NameLimit(
    "name", 1, 32, r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", "letters, digits and inner hyphens"
)
_RDS_ID = r"[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)"
_RDS_RULE = "a letter first, then letters, digits and single hyphens, not ending in a hyphen"

LIMITS: Final[dict[str, tuple[NameLimit, ...]]] = {
    t.LOAD_BALANCER: (_ELB,),
    t.ALB: (_ELB,),
    t.TARGET_GROUP: (_TG,),
    t.ALB_TARGET_GROUP: (_TG,),
    t.RDS_INSTANCE: (
        NameLimit("identifier", 1, 63, _RDS_ID, _RDS_RULE),
        NameLimit("finalSnapshotIdentifier", 1, 255, _RDS_ID, _RDS_RULE),
    ),
    t.RDS_SNAPSHOT: (NameLimit("dbSnapshotIdentifier", 1, 255, _RDS_ID, _RDS_RULE),),
    t.RDS_SNAPSHOT_COPY: (NameLimit("targetDbSnapshotIdentifier", 1, 255, _RDS_ID, _RDS_RULE),),
    t.IAM_ROLE: (NameLimit("name", 1, 64, r"[\w+=,.@-]+", "letters, digits and +=,.@_-", autonamed=True),),
    t.SNS_TOPIC: (NameLimit("name", 1, 256, r"[A-Za-z0-9_-]+(\.fifo)?", "letters, digits, - and _"),),
    t.S3_BUCKET: (
        NameLimit(
            "bucket",
            3,
            63,
            r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?",
            "lowercase letters, digits, dots and hyphens",
        ),
    ),
    t.S3_BUCKET_V2: (
        NameLimit(
            "bucket",
            3,
            63,
            r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?",
            "lowercase letters, digits, dots and hyphens",
        ),
    ),
    t.LAUNCH_TEMPLATE: (NameLimit("name", 3, 128, r"[A-Za-z0-9().\-/_]+", "letters, digits and ().-/_"),),
    t.ASG: (NameLimit("name", 1, 255, r"[^:]+", "any characters but a colon"),),
}


@resource_rule(
    "names-within-aws-limits",
    "Explicit names fit AWS's limits: load balancers and target groups 32, RDS identifiers 63 "
    "(snapshots 255), IAM roles 64, SNS topics 256, S3 buckets 3-63 lowercase, launch templates "
    "128, Auto Scaling groups 255, each with its allowed characters.",
    "R20",
    *LIMITS,
)
def names_within_limits(r: Resource, report: Report) -> None:
    for limit in LIMITS[r.type]:
        name = r.get(limit.key)
        if name is None and limit.autonamed:
            if len(r.name) + AUTONAME_SUFFIX > limit.high:
                report(
                    f"{r.label} is auto-named from its {len(r.name)}-character logical name plus "
                    f"{AUTONAME_SUFFIX} random characters: over the {limit.high}-character limit"
                )
            continue
        if not isinstance(name, str):
            continue  # unset (AWS or Pulumi names it) or not known yet
        if not limit.low <= len(name) <= limit.high:
            allowed = f"{limit.low}-{limit.high}"
            report(f"{r.label} {limit.key} {name!r} has {len(name)} characters; AWS allows {allowed}")
        elif not re.fullmatch(limit.pattern, name):
            report(f"{r.label} {limit.key} {name!r} is refused by AWS: {limit.allowed}")


RULES = [names_within_limits]
