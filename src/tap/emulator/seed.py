"""The stand-in the migration controller works on: the plan of a phase, seeded in the emulator
with the concerns the controller reads and writes (deployer.CONTROLLER). `tap rehearse` and
the controller tests (tests/migration) both start from it.

"pulumi up" is stood in for by `StandIn.deploy_phase`, which sets what an update sets for the
controller (the phase parameter and the two weighted records).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tap.aws_clients import AwsClients
from tap.emulator.builders.operations import create_state_table
from tap.emulator.deployer import CONTROLLER, Seeded, deploy
from tap.emulator.stand_in import StandIn
from tap.migration.clock import ManualClock
from tap.offline.plan import Plan

__all__ = ["at_minutes", "build_stand_in", "create_state_table", "stand_in_of"]

if TYPE_CHECKING:
    pass


def build_stand_in(clients: AwsClients, plan: Plan, clock: ManualClock) -> StandIn:
    """`plan` (an offline render at the deployed phase) built for the controller."""
    return stand_in_of(clients, deploy(clients, plan, CONTROLLER), plan, clock)


def stand_in_of(clients: AwsClients, seeded: Seeded, plan: Plan, clock: ManualClock) -> StandIn:
    """The stand-in over `plan` as already seeded (at least the CONTROLLER concerns)."""
    env = StandIn(clients, seeded.outputs, plan.settings, clock)
    dev_id = seeded.outputs["dev_record_set_identifier"]
    sets = env.route53.list_resource_record_sets(HostedZoneId=seeded.outputs["hosted_zone_id"])
    # The dev record as created, so an update from a phase without it can recreate it; a plan
    # whose phase has no dev record leaves this empty.
    env.dev_rrset = next((s for s in sets["ResourceRecordSets"] if s.get("SetIdentifier") == dev_id), None)
    return env


def at_minutes(clock: ManualClock, when: datetime) -> float:
    return (when - clock.start).total_seconds() / 60
