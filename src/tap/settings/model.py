"""`Settings`: the groups together, what follows from them, and the checks of how they fit.

Each field is validated by its kind as pydantic builds the groups; then one model validator
runs every cross check (a registry: each concern module lists its own `CHECKS`, small functions
yielding `Problem`s) and reports all their problems together. Cross checks judge settings read
from config (`tap.settings.parse` asks for them through the validation context); a `Settings`
built in code, such as the defaults `Settings()` the docs read fleet sizes from or a test's
`dataclasses.replace`, has its fields validated only.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterator
from dataclasses import field

from pydantic import ValidationInfo, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from tap.errors import Problem
from tap.phase_plan import Capacity, FleetSizes, PhasePlan, plan_for
from tap.phases import Phase
from tap.settings import (
    compliance,
    compute,
    core,
    database,
    db_parameters,
    dev_network,
    dns,
    network,
    traffic,
)
from tap.settings.compliance import ComplianceSettings
from tap.settings.compute import ComputeSettings
from tap.settings.core import CoreSettings
from tap.settings.database import DatabaseSettings, SeedSettings
from tap.settings.db_parameters import DbParameterSettings
from tap.settings.dev_network import DevNetworkSettings
from tap.settings.dns import DnsSettings, LoadBalancerSettings
from tap.settings.fields import GROUP_CONFIG
from tap.settings.network import NetworkSettings
from tap.settings.traffic import MigrationSettings, MonitoringSettings

# The validation-context key under which `parse` asks for the cross checks.
CROSS_CHECK = "tap.settings.cross_check"
# The pydantic error type that carries the cross checks' problems (ctx["problems"]).
CROSS_CHECK_ERROR = "tap_cross_check"


@dataclass(frozen=True, config=GROUP_CONFIG)
class Settings:
    core: CoreSettings = field(default_factory=CoreSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    compute: ComputeSettings = field(default_factory=ComputeSettings)
    load_balancer: LoadBalancerSettings = field(default_factory=LoadBalancerSettings)
    dns: DnsSettings = field(default_factory=DnsSettings)
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    migration: MigrationSettings = field(default_factory=MigrationSettings)
    compliance: ComplianceSettings = field(default_factory=ComplianceSettings)
    dev_network: DevNetworkSettings = field(default_factory=DevNetworkSettings)
    seed: SeedSettings = field(default_factory=SeedSettings)
    db_parameters: DbParameterSettings = field(default_factory=DbParameterSettings)

    @property
    def fleet_sizes(self) -> FleetSizes:
        c = self.compute
        return FleetSizes(
            green_active=Capacity(
                min=c.green_min_size, max=c.green_max_size, desired=c.green_desired_capacity
            ),
            blue_standby_max=c.blue_max_size,
        )

    @property
    def phase_plan(self) -> PhasePlan:
        return plan_for(self.core.migration_phase, self.fleet_sizes)

    @property
    def creates_zone(self) -> bool:
        return self.dns.hosted_zone_id == ""

    @property
    def awaiting_delegation(self) -> bool:
        """The stack requests the certificate in a zone it creates, and nobody has confirmed the
        zone is delegated yet: validation would wait (75 minutes by default) on a delegation
        that cannot have happened. The program then declares no validation and no listener."""
        return self.creates_zone and not self.load_balancer.certificate_arn and not self.dns.zone_delegated

    @property
    def dev_health_check_fqdn(self) -> str:
        d = self.dns
        if d.dev_health_check_fqdn:
            return d.dev_health_check_fqdn
        return d.dev_alias_dns_name

    def with_phase(self, phase: Phase) -> Settings:
        return dataclasses.replace(self, core=dataclasses.replace(self.core, migration_phase=phase))

    @model_validator(mode="after")
    def _fits_together(self, info: ValidationInfo) -> Settings:
        if not (info.context or {}).get(CROSS_CHECK):
            return self
        problems = list(cross_problems(self))
        if problems:
            raise PydanticCustomError(
                CROSS_CHECK_ERROR,
                "{count} settings do not fit together",
                {"count": len(problems), "problems": problems},
            )
        return self


# The group attribute of `Settings` -> its class, in the order of the reference and the errors.
GROUPS: dict[str, type] = typing.get_type_hints(Settings)

Check = Callable[[Settings], Iterator[Problem]]
# Every rule that involves more than one key, in the order their problems are listed.
CHECKS: tuple[Check, ...] = (
    *core.CHECKS,
    *network.CHECKS,
    *compute.CHECKS,
    *database.CHECKS,
    *dns.CHECKS,
    *traffic.CHECKS,
    *compliance.CHECKS,
    *dev_network.CHECKS,
    *db_parameters.CHECKS,
)


def cross_problems(s: Settings) -> Iterator[Problem]:
    for check in CHECKS:
        yield from check(s)
