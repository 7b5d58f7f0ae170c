"""Settings: parsed once from Pulumi config (namespace `tap`), validated, then frozen.

Each group of settings is a frozen pydantic dataclass in the module of its concern (`core`,
`network`, `dev_network`, `database`, `db_parameters`, `compute`, `dns`, `traffic`,
`compliance`). A field names its config key (its alias), its kind (which validates the value
and says, in words, what is allowed; `kinds`) and a one-line description; the README's
settings reference is generated from the same fields, so the two cannot drift. Rules between
keys are small checks listed beside the fields they judge and run by `model.Settings`. Every
problem is collected and raised together as a `SettingsError` (exit 2) by `parse`, before the
program declares a single resource.
"""

from __future__ import annotations

from tap.settings.compliance import ComplianceSettings
from tap.settings.compute import ComputeSettings
from tap.settings.core import CoreSettings
from tap.settings.database import DatabaseSettings, SeedSettings
from tap.settings.db_parameters import DbParameterSettings
from tap.settings.dev_network import DevNetworkSettings
from tap.settings.dns import DnsSettings, LoadBalancerSettings
from tap.settings.model import GROUPS, Settings
from tap.settings.network import NetworkSettings
from tap.settings.parse import KEYS, NAMESPACE, SettingSpec, parse, specs
from tap.settings.traffic import MigrationSettings, MonitoringSettings

__all__ = [
    "GROUPS",
    "KEYS",
    "NAMESPACE",
    "ComplianceSettings",
    "ComputeSettings",
    "CoreSettings",
    "DatabaseSettings",
    "DbParameterSettings",
    "DevNetworkSettings",
    "DnsSettings",
    "LoadBalancerSettings",
    "MigrationSettings",
    "MonitoringSettings",
    "NetworkSettings",
    "SeedSettings",
    "SettingSpec",
    "Settings",
    "parse",
    "specs",
]
