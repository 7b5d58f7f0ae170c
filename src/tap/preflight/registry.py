"""The one list of preflight checks, in the order they run and print.

Each module of checks exposes `CHECKS`, a tuple of `Check`; adding a module is one line in
`MODULES`. A check is a plain function `(PreflightContext) -> CheckResult` (see result.py);
functions written elsewhere (e.g. account-baseline checks) are wrapped in a `Check` in their
own small module here and listed below.
"""

from __future__ import annotations

from tap.preflight import (
    certificate,
    delegation,
    dev_database,
    dev_endpoint,
    dev_network,
    dev_parameters,
    images,
    quotas,
    release_bundle,
    service_roles,
)
from tap.preflight.result import Check

MODULES = (
    service_roles,
    quotas,
    delegation,
    certificate,
    images,
    release_bundle,
    dev_database,
    dev_parameters,
    dev_network,
    dev_endpoint,
)

CHECKS: tuple[Check, ...] = tuple(check for module in MODULES for check in module.CHECKS)
