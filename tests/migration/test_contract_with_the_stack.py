"""The controller on the program's own plan deployed into moto (tests/integration/moto_environment.py):
proves it reads the outputs, records, parameters and alarms under the names the stack really
exports, not only those of this package's hand-built stand-in."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tap.aws_clients import AwsClients
from tap.emulator.seed import create_state_table
from tap.migration.clock import ManualClock
from tap.migration.deployment import Deployment
from tap.migration.wiring import build_controller
from tap.offline.plan import Plan
from tap.phases import Phase
from tests.integration.moto_environment import deploy

pytestmark = pytest.mark.moto


class AcceptingStack:
    """The Automation API boundary: records the reconcile, changes nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def set_config(self, key: str, value: Any, *, path: bool = False) -> None:
        self.calls.append(("set_config", (key, value.value)))

    def up(self, *, on_output: Any = None, message: str | None = None) -> Any:
        self.calls.append(("up", message))
        return SimpleNamespace(summary=SimpleNamespace(result="succeeded"))


def test_r15_controller_reads_the_deployed_plan_and_rolls_its_records_back(
    plans: Any, aws: AwsClients, tmp_path: Any
) -> None:
    plan: Plan = plans(Phase.TRAFFIC_SHIFT_10)
    flat = deploy(aws, plan)
    dep = Deployment.from_flat(flat.values)
    assert dep.missing == ()
    # The integration deployer does not create the DynamoDB state table (yet): create it as the
    # stack declares it, under the exported name.
    create_state_table(aws, dep.state_table)
    stack = AcceptingStack()
    ctl = build_controller(
        plan.settings,
        dep,
        aws,
        ManualClock(),
        stack_name="prod",
        work_dir=tmp_path,
        owner="contract",
        stack_factory=lambda _n, _w: stack,
    )

    status = ctl.status()
    assert status.phase == "traffic-shift-10"
    assert status.weights_observed == {"blue": 90, "green": 10} and status.in_sync
    assert {g["gate"] for g in status.gates} >= {"alarms", "capacity", "dns-readback"}

    report = ctl.rollback("contract test")
    assert report.rollback is not None and report.rollback.weights == {"blue": 100, "green": 0}
    assert stack.calls[0] == ("set_config", ("tap:migrationPhase", "blue-green"))
