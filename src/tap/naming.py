"""Resource names and tags.

Every AWS-visible name is `prod-{service}[-{az}]-{suffix}`; Pulumi logical names are the same
string, so a resource reads the same in the plan, the state and the console.
"""

from __future__ import annotations

from dataclasses import dataclass

from tap.settings import CoreSettings


@dataclass(frozen=True)
class Namer:
    suffix: str

    def __call__(self, service: str, az: str | None = None) -> str:
        parts = ["prod", service] + ([az] if az else []) + [self.suffix]
        return "-".join(parts)


def default_tags(core: CoreSettings) -> dict[str, str]:
    """Tags every resource gets through the provider's default tags (general to specific:
    a resource's own `Name` tag is merged on top by the provider)."""
    return {
        "Environment": "production",
        "ManagedBy": "pulumi",
        "Project": core.project,
        "Owner": core.owner,
        "EnvironmentSuffix": core.environment_suffix,
    }
