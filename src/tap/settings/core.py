"""Who and where: the name suffix, the tags, the regions and the migration phase."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic.dataclasses import dataclass

from tap.errors import Problem
from tap.phase_plan import Capacity, FleetSizes, PhasePlan, plan_for
from tap.phases import Phase
from tap.settings.fields import GROUP_CONFIG, setting
from tap.settings.kinds import PhaseName, Text

if TYPE_CHECKING:
    from tap.settings.model import Settings

REGION = r"[a-z]{2}(-gov)?-[a-z]+-\d"
TAG_VALUE = Text(r"[A-Za-z0-9 _.:/=+@-]{1,128}", "1-128 tag-safe characters")


@dataclass(frozen=True, config=GROUP_CONFIG)
class CoreSettings:
    environment_suffix: Annotated[
        str,
        Text(
            r"[a-z0-9](?!.*--)[a-z0-9-]{0,14}[a-z0-9]|[a-z0-9]",
            "1-16 lowercase letters, digits or single hyphens, not starting or ending "
            "with a hyphen (it ends up in S3 bucket and RDS names)",
        ),
    ] = setting("environmentSuffix", "main", "Suffix of every resource name: prod-{service}[-{az}]-{suffix}.")
    project: Annotated[str, TAG_VALUE] = setting(
        "project", "payments", "Value of the Project tag on every resource."
    )
    owner: Annotated[str, TAG_VALUE] = setting(
        "owner", "platform-team", "Value of the Owner tag on every resource."
    )
    region: Annotated[str, Text(REGION, "an AWS region name such as us-east-1")] = setting(
        "region", "us-east-1", "Primary region (production and the dev environment)."
    )
    replica_region: Annotated[str, Text(REGION, "an AWS region name such as us-west-2")] = setting(
        "replicaRegion", "us-west-2", "Region of the replicated log bucket; must differ from region."
    )
    migration_phase: Annotated[Phase, PhaseName()] = setting(
        "migrationPhase", Phase.INITIAL, "Current migration phase (see the phase table)."
    )


def phase_only_plan(core: CoreSettings) -> PhasePlan:
    """What the phase alone decides; sizes may be the very thing another check refuses."""
    return plan_for(core.migration_phase, FleetSizes(Capacity(1, 1, 1), 0))


def replica_elsewhere(s: Settings) -> Iterator[Problem]:
    if s.core.replica_region == s.core.region:
        yield Problem(
            "replicaRegion",
            s.core.replica_region,
            f"a region other than region ({s.core.region}): a replica in the same "
            "region does not survive a regional outage",
        )


CHECKS = [replica_elsewhere]
