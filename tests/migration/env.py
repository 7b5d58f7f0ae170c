"""The stand-in of the deployed stack the controller tests use. It lives in src/tap/emulator/
(the one seeder, shared with `tap rehearse`); this module keeps the names the tests import."""

from tap.emulator.seed import at_minutes, build_stand_in, create_state_table
from tap.emulator.stand_in import (
    ALARMS,
    DEV_ALB_DNS,
    DEV_DB,
    DEV_ID,
    FQDN,
    GREEN_ID,
    MOTO_AMI,
    PROD_DB,
    ZONE,
    StandIn,
)

__all__ = [
    "ALARMS",
    "DEV_ALB_DNS",
    "DEV_DB",
    "DEV_ID",
    "FQDN",
    "GREEN_ID",
    "MOTO_AMI",
    "PROD_DB",
    "ZONE",
    "StandIn",
    "at_minutes",
    "build_stand_in",
    "create_state_table",
]
