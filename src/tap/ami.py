"""Resolving the fleets' AMI once, for a human to review and pin (`tap:amiId`).

The program never looks an image up: a lookup on every run would pick up a new Amazon Linux
release in the middle of the cutover, giving green a new launch template version and an
instance refresh while it carries traffic. This helper reads the public SSM parameter
(`tap:amiParameter`) and returns the id to record, with the `pulumi config set` line; `tap
preflight` (or a `tap ami resolve` command) prints it and checks the pinned image exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tap.errors import TapError

if TYPE_CHECKING:
    from types_boto3_ssm.client import SSMClient

AMI_ID = re.compile(r"ami-([0-9a-f]{8}|[0-9a-f]{17})")


@dataclass(frozen=True)
class ResolvedAmi:
    parameter: str
    ami_id: str
    version: int

    @property
    def command(self) -> str:
        return f"pulumi config set tap:amiId {self.ami_id}"


def resolve_ami(ssm: SSMClient, parameter: str) -> ResolvedAmi:
    """The AMI id a public parameter names now (read-only: ssm:GetParameter)."""
    try:
        found = ssm.get_parameter(Name=parameter)["Parameter"]
    except ssm.exceptions.ParameterNotFound:
        raise TapError(
            f"SSM parameter {parameter!r} (tap:amiParameter) does not exist in this region"
        ) from None
    value = str(found.get("Value", ""))
    if not AMI_ID.fullmatch(value):
        raise TapError(f"SSM parameter {parameter!r} holds {value!r}, not an AMI id")
    return ResolvedAmi(parameter=parameter, ami_id=value, version=int(found.get("Version", 0)))
