"""A rehearsal of the cutover on the emulator: the real controller (gates, bake, rollback, lock,
history) against a deployment the seeder builds in moto, on simulated time.

What is stood in for, and said so in the output: the AWS account (moto on 127.0.0.1), `pulumi
up` (`EmulatedStack.up` sets what an update sets for the controller: the phase parameter and the
weighted records), traffic (healthy CloudWatch datapoints put ahead of time) and the clock (a
bake takes no wall time). Everything the controller reads and writes goes through boto3.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tap.aws_clients import AwsClients
from tap.emulator.seed import build_stand_in
from tap.emulator.stand_in import StandIn
from tap.migration.clock import ManualClock
from tap.migration.controller import Controller, RunReport
from tap.migration.deployment import Deployment
from tap.migration.errors import MigrationError
from tap.migration.status import StatusView
from tap.migration.switch_judgement import SwitchObservation
from tap.migration.wiring import build_controller
from tap.offline.plan import Plan
from tap.phases import Phase

STACK_NAME = "rehearsal"
# Green is up behind the load balancer with no traffic: the first step of the cutover is next.
START_PHASE = Phase.BLUE_GREEN
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "rehearsal",
    "AWS_SECRET_ACCESS_KEY": "rehearsal",
    "AWS_SESSION_TOKEN": "rehearsal",
    "AWS_PROFILE": None,
}


@contextmanager
def fake_credentials() -> Iterator[None]:
    """The emulator accepts any key; a real profile must not be picked up (and is restored)."""
    saved = {k: os.environ.get(k) for k in FAKE_CREDENTIALS}
    try:
        for key, value in FAKE_CREDENTIALS.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@dataclass
class EmulatedStack:
    """Stands where `pulumi.automation.Stack` stands: `up` applies the phase to the emulator."""

    env: StandIn
    phase: str = ""

    def set_config(self, key: str, value: Any, *, path: bool = False) -> None:
        self.phase = value.value

    def up(self, *, on_output: Any = None, message: str | None = None) -> Any:
        self.env.deploy_phase(Phase(self.phase))
        if on_output is not None:
            on_output(f"(rehearsal) stack updated to {self.phase}: phase parameter and weights set")
        return SimpleNamespace(summary=SimpleNamespace(result="succeeded"))


@dataclass
class Step:
    """One step of the rehearsal as it ran: what was done, the weights Route53 serves after it."""

    title: str
    weights: dict[str, int | None]
    phase: str
    detail: list[str] = field(default_factory=list)
    outcome: str = "ok"


CUTOVER_DONE = SwitchObservation(
    dev_unlocked=(), dev_sessions=0, prod_replicates_from_dev=False, prod_accepts_app_writes=True
)


def _report_lines(report: RunReport | None) -> list[str]:
    if report is None:
        return []
    lines = [f"{e['from']} -> {e['to']}: {e['outcome']} ({e['reason']})" for e in report.events]
    if report.rollback:
        r = report.rollback
        lines.append(f"weights back to {r.weights} {r.detection_to_weights_seconds:.1f} s after detection")
    return lines


def _gate_lines(status: StatusView) -> list[str]:
    return [f"{g['verdict']:>12} {g['gate']}: {g['detail']}" for g in status.gates]


def rehearse(endpoint: str, plan: Plan, on_step: Callable[[Step], None]) -> list[Step]:
    """status, advance (one gated, baked step), an injected alarm, rollback; each reported.
    `plan` is the offline render of the user's settings at the phase the rehearsal starts in."""
    with fake_credentials():
        return _rehearse(endpoint, plan, on_step)


def _rehearse(endpoint: str, plan: Plan, on_step: Callable[[Step], None]) -> list[Step]:
    settings = plan.settings
    clients = AwsClients(region=settings.core.region, endpoint_url=endpoint)
    clock = ManualClock()
    env = build_stand_in(clients, plan, clock)
    env.feed_metrics(120)  # healthy traffic on green for the next two simulated hours
    ctl: Controller = build_controller(
        settings,
        Deployment.from_flat(env.outputs),
        clients,
        clock,
        stack_name=STACK_NAME,
        work_dir=Path("."),
        owner="rehearsal",
        stack_factory=lambda name, work_dir: EmulatedStack(env),
        # moto cannot compute percentiles; Maximum bounds p99 from above (a stricter check).
        latency_stat="Maximum",
        # No database runs in a rehearsal: the gate judges the databases as `tap db cutover`
        # leaves them (the real reading is tested against MariaDB in tests/replication).
        switch_probe=lambda: CUTOVER_DONE,
    )
    steps: list[Step] = []

    def record(title: str, detail: list[str], outcome: str = "ok") -> None:
        step = Step(title, env.weights(), env.deployed_phase(), detail, outcome)
        steps.append(step)
        on_step(step)

    record("tap migrate status", _gate_lines(ctl.status()))
    report = ctl.advance(reason="rehearsal")
    record("tap migrate advance", [*_report_lines(report), f"baked {clock.elapsed:.0f} simulated s"])
    alarm = env.alarm_name("green_5xx")
    env.set_alarm("green_5xx", "ALARM")
    status = ctl.status()
    record(f"alarm injected: {alarm} -> ALARM", _gate_lines(status), "alarm")
    rolled: RunReport | None
    try:
        rolled, outcome = ctl.rollback(reason="rehearsal: injected alarm"), "ok"
    except MigrationError as exc:  # a rollback that could not finish says so
        rolled, outcome = ctl.last_report, f"failed: {exc}"
    record("tap migrate rollback", _report_lines(rolled), outcome)
    return steps
