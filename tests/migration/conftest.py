"""Fixtures for the controller tests: the example plan seeded in moto (tap.emulator.seed),
simulated time, and the Automation API boundary (the Pulumi CLI is not installed here)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tap.aws_clients import AwsClients
from tap.emulator.seed import stand_in_of
from tap.emulator.stand_in import StandIn
from tap.migration.clock import ManualClock
from tap.migration.controller import Controller
from tap.migration.deployment import Deployment
from tap.migration.switch_judgement import SwitchObservation, SwitchProbe
from tap.migration.wiring import ApplierName, build_controller
from tap.offline.plan import Plan
from tap.phases import Phase
from tap.settings import Settings
from tests.conftest import plan_of
from tests.emulator_account import EmulatorAccount
from tests.fault_proxy import FaultProxy, running

# The databases after `tap db cutover` (the controller tests run on moto alone; the gate's
# reading of real servers is tested in tests/replication/test_controller_database_gate.py).
SWITCHED = SwitchObservation(
    dev_unlocked=(), dev_sessions=0, prod_replicates_from_dev=False, prod_accepts_app_writes=True
)


class SimulatedCrash(BaseException):
    """The process dies: not an Exception, so nothing in the controller handles it."""


@dataclass
class SimulatedStack:
    """Stands where `pulumi.automation.Stack` stands; `up` does to the stand-in what the real
    update does to the things the controller watches (phase parameter, weights)."""

    env: StandIn
    name: str
    work_dir: str
    crash_after_up: bool = False
    crash_before_up: bool = False
    fail_up: bool = False
    phase: str = ""
    calls: list[tuple[str, Any]] = field(default_factory=list)

    def set_config(self, key: str, value: Any, *, path: bool = False) -> None:
        self.env.pulumi_calls.append(("set_config", (self.name, key, value.value, value.secret)))
        self.phase = value.value

    def up(self, *, on_output: Any = None, message: str | None = None) -> Any:
        if self.crash_before_up:
            raise SimulatedCrash("controller process killed before the update started")
        self.env.pulumi_calls.append(("up", (self.name, self.phase)))
        if self.fail_up:
            return SimpleNamespace(summary=SimpleNamespace(result="failed"))
        self.env.deploy_phase(Phase(self.phase))
        if on_output is not None:
            on_output(f"Updating ({self.name}) to {self.phase}")
        if self.crash_after_up:
            raise SimulatedCrash("controller process killed after the update")
        return SimpleNamespace(summary=SimpleNamespace(result="succeeded"))


# The example settings with a 3-minute bake (>= 2 x the 60 s TTL): every rule the same, fewer
# ticks to simulate.
BAKE_SECONDS = 180


def deployed_plan(phase: Phase) -> Plan:
    """The offline plan the controller tests deploy, at `phase` (rendered once per session)."""
    return plan_of(phase, bakeSeconds=BAKE_SECONDS)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return deployed_plan(Phase.BLUE_GREEN).settings


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def aws(moto_clients: AwsClients) -> AwsClients:
    """The session's clients on an account emptied for this test (by `moto_clients`)."""
    return moto_clients


@pytest.fixture
def stand_in(emulator: EmulatorAccount, clock: ManualClock) -> StandIn:
    """The plan at `blue-green`, seeded: green is up behind the ALB, all traffic on blue.
    Seeded once per worker and restored to that for each test (tests/emulator_account.py)."""
    plan = deployed_plan(Phase.BLUE_GREEN)
    return stand_in_of(emulator.clients, emulator.holding(plan), plan, clock)


@pytest.fixture(scope="session")
def fault_proxy(moto_endpoint: str) -> Iterator[FaultProxy]:
    """One fault-injecting proxy in front of the worker's moto server (tests/fault_proxy.py)."""
    yield from running(moto_endpoint)


@pytest.fixture(scope="session")
def proxied_clients(fault_proxy: FaultProxy) -> AwsClients:
    """Clients through the proxy with one botocore attempt per call: the controller's own
    retries (on the simulated clock) are what is tested, not botocore's real-time backoff."""
    return AwsClients(region="us-east-1", endpoint_url=fault_proxy.url, max_attempts=1)


@pytest.fixture
def faults(fault_proxy: FaultProxy) -> Iterator[FaultProxy]:
    """The proxy with no rules, for this test (and none left for the next)."""
    fault_proxy.clear()
    yield fault_proxy
    fault_proxy.clear()


def make_controller(
    env: StandIn,
    owner: str = "controller-a",
    *,
    clients: AwsClients | None = None,
    crash_after_up: bool = False,
    crash_before_up: bool = False,
    fail_up: bool = False,
    applier: ApplierName = ApplierName.PULUMI,
    switch_probe: SwitchProbe = lambda: SWITCHED,
) -> Controller:
    def factory(name: str, work_dir: str) -> SimulatedStack:
        return SimulatedStack(
            env,
            name,
            work_dir,
            crash_after_up=crash_after_up,
            crash_before_up=crash_before_up,
            fail_up=fail_up,
        )

    return build_controller(
        env.settings,
        Deployment.from_flat(env.outputs),
        clients or env.clients,
        env.clock,
        stack_name="prod",
        work_dir=Path("/srv/tap"),
        owner=owner,
        stack_factory=factory,
        applier=applier,
        # moto cannot compute percentiles; Maximum bounds p99 from above (a stricter check).
        latency_stat="Maximum",
        switch_probe=switch_probe,
    )
