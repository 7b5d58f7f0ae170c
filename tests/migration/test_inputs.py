"""Reading the deployed ids and simulated time (no AWS)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tap.aws_clients import AwsClients
from tap.emulator.deployer import deploy
from tap.migration.clock import ManualClock
from tap.migration.deployment import REQUIRED, Deployment
from tap.migration.errors import MigrationInputError
from tap.migration.gates import AnalysisSpec, metric_queries
from tap.migration.wiring import build_controller
from tap.offline.plan import Plan
from tap.phases import Phase


def test_flat_outputs_are_json_decoded_where_they_are_json() -> None:
    dep = Deployment.from_flat(
        {
            "alarm_names": '["a", "b"]',
            "traffic_weight_blue": "null",
            "app_fqdn": "app.payments.example.com",
            "hosted_zone_id": "/hostedzone/Z123",
        }
    )
    assert dep.alarm_names == ("a", "b")
    assert dep.values["traffic_weight_blue"] is None
    assert dep.app_fqdn == "app.payments.example.com."  # Route53 names end with a dot
    assert dep.hosted_zone_id == "Z123"


def test_missing_outputs_are_named_before_any_aws_call(tmp_path: Path) -> None:
    path = tmp_path / "flat.json"
    path.write_text(json.dumps({"migration_state_table_name": "t"}))
    with pytest.raises(MigrationInputError) as exc:
        Deployment.from_file(path).require()
    assert exc.value.exit_code == 2
    for key in REQUIRED[1:]:
        assert key in str(exc.value)


def test_absent_or_bad_outputs_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(MigrationInputError, match="pulumi stack output --json"):
        Deployment.from_file(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(MigrationInputError, match="JSON object"):
        Deployment.from_file(bad)


def test_r15_1_analysis_reads_1_minute_p99_of_the_green_target_group() -> None:
    dep = Deployment.from_flat(
        {"alb_arn_suffix": "app/alb/1", "target_group_green_arn_suffix": "targetgroup/g/2"}
    )
    spec = AnalysisSpec(1.0, 1.0, 2, 60)
    queries = {q["Id"]: q["MetricStat"] for q in metric_queries(dep, spec)}
    assert queries["latency"]["Stat"] == "p99"
    assert queries["errors"]["Metric"]["MetricName"] == "HTTPCode_Target_5XX_Count"
    assert queries["requests"]["Metric"]["MetricName"] == "RequestCount"
    assert queries["unhealthy"]["Metric"]["MetricName"] == "UnHealthyHostCount"
    for stat in queries.values():
        assert stat["Period"] == 60
        assert {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]} == {
            "LoadBalancer": "app/alb/1",
            "TargetGroup": "targetgroup/g/2",
        }


def test_manual_clock_fires_events_in_order_while_sleeping() -> None:
    clock = ManualClock()
    seen: list[float] = []
    clock.at(30, lambda: seen.append(clock.elapsed))
    clock.at(10, lambda: seen.append(clock.elapsed))
    clock.sleep(25)
    assert seen == [10] and clock.elapsed == 25
    clock.sleep(25)
    assert seen == [10, 30] and clock.elapsed == 50


# ---------------------------------------------------------------------------------------------
# The controller on the whole of the program's plan built in moto (every concern, not only the
# controller's): it reads the outputs, records, parameters and alarms under the names the stack
# exports, next to everything else the stack creates.
# ---------------------------------------------------------------------------------------------
class AcceptingStack:
    """The Automation API boundary: records the reconcile, changes nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def set_config(self, key: str, value: Any, *, path: bool = False) -> None:
        self.calls.append(("set_config", (key, value.value)))

    def up(self, *, on_output: Any = None, message: str | None = None) -> Any:
        self.calls.append(("up", message))
        return SimpleNamespace(summary=SimpleNamespace(result="succeeded"))


@pytest.mark.moto
def test_r15_controller_reads_the_deployed_plan_and_rolls_its_records_back(
    plans: Any, aws: AwsClients, tmp_path: Any
) -> None:
    plan: Plan = plans(Phase.TRAFFIC_SHIFT_10)
    dep = Deployment.from_flat(deploy(aws, plan).outputs)
    assert dep.missing == ()
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
