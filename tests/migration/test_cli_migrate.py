"""`tap migrate` through the CLI: what is printed and the documented exit codes (R14.3, R14.5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap.cli.app import app
from tap.emulator.stand_in import StandIn
from tap.migration.deployment import REQUIRED
from tap.migration.store import StateStore
from tap.phases import Phase
from tests.conftest import EXAMPLE

runner = CliRunner()


def test_r14_3_status_dry_run_prints_the_plan_and_its_budget_from_the_example(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "migrate",
            "status",
            "--dry-run",
            "--config",
            str(EXAMPLE),
            "--outputs",
            str(tmp_path / "absent.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "rollback budget: 60 s interval x 2 failures + 10 s tick + 300 s lease a dead holder keeps "
        "+ 120 s Route53 INSYNC wait + 60 s TTL = 610 s" in result.output
    )
    for phase in ("traffic-shift-10", "traffic-shift-50", "traffic-shift-100", "complete"):
        assert phase in result.output
    assert "offline plan of the settings" in result.output


def test_r15_2_status_dry_run_refuses_a_plan_over_15_minutes(tmp_path: Path) -> None:
    config = tmp_path / "Pulumi.slow.yaml"
    config.write_text(
        EXAMPLE.read_text()
        .replace("tap:analysisIntervalSeconds: 60", "tap:analysisIntervalSeconds: 300")
        .replace("tap:analysisFailureLimit: 2", "tap:analysisFailureLimit: 3")
    )
    outputs = tmp_path / "flat.json"
    outputs.write_text("{}")
    result = runner.invoke(
        app, ["migrate", "status", "--dry-run", "--json", "--config", str(config), "--outputs", str(outputs)]
    )
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["rollback_budget"]["total_seconds"] == 300 * 3 + 10 + 300 + 120 + 60
    assert doc["rollback_budget"]["within_limit"] is False
    assert "would be refused" in result.stderr


def test_r14_5_unknown_phase_is_bad_input_naming_the_valid_ones(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "migrate",
            "advance",
            "--to",
            "traffic-shift-75",
            "--config",
            str(EXAMPLE),
            "--outputs",
            str(tmp_path / "x.json"),
        ],
    )
    assert result.exit_code == 2
    assert "traffic-shift-50" in result.stderr


@pytest.fixture
def cli_env(
    stand_in: StandIn, moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    monkeypatch.setenv("TAP_AWS_ENDPOINT_URL", moto_endpoint)
    return ["--config", str(EXAMPLE), "--outputs", str(stand_in.write_outputs(tmp_path))]


@pytest.mark.moto
def test_r14_3_status_shows_set_and_observed_weights(stand_in: StandIn, cli_env: list[str]) -> None:
    result = runner.invoke(app, ["migrate", "status", "--json", *cli_env])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["phase"] == "blue-green" and doc["next_phase"] == "traffic-shift-10"
    assert doc["weights"] == {"set": {"blue": 100, "green": 0}, "observed": {"blue": 100, "green": 0}}
    assert doc["in_sync"] is True and doc["budget"]["total_seconds"] == 610
    assert {g["gate"] for g in doc["gates"]} >= {"alarms", "capacity", "database", "dns-readback"}


@pytest.mark.moto
def test_r15_3_advance_dry_run_changes_nothing(stand_in: StandIn, cli_env: list[str]) -> None:
    result = runner.invoke(app, ["migrate", "advance", "--dry-run", "--json", *cli_env])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [s["phase"] for s in doc["steps"]] == ["traffic-shift-10"]
    assert {g["gate"] for g in doc["preflight"]} >= {"capacity", "database"}
    assert stand_in.weights() == {"blue": 100, "green": 0}
    table = stand_in.outputs["migration_state_table_name"]
    assert StateStore(stand_in.clients.client("dynamodb"), table, "r", stand_in.clock).history() == []


def test_r14_5_advance_without_yes_is_refused_when_nobody_can_answer(tmp_path: Path) -> None:
    outputs = tmp_path / "flat.json"
    outputs.write_text(json.dumps({key: "x" for key in REQUIRED} | {"alarm_names": '["a"]'}))
    result = runner.invoke(
        app, ["migrate", "advance", "--stack", "prod", "--config", str(EXAMPLE), "--outputs", str(outputs)]
    )
    assert result.exit_code == 2 and "--yes" in result.stderr


@pytest.mark.moto
def test_r15_3_a_second_controller_exits_4(stand_in: StandIn, cli_env: list[str]) -> None:
    table = stand_in.outputs["migration_state_table_name"]
    # A lease in real time (the CLI runs on the wall clock).
    from tap.migration.clock import SystemClock

    StateStore(stand_in.clients.client("dynamodb"), table, "ops@laptop:1", SystemClock()).acquire()
    result = runner.invoke(app, ["migrate", "advance", "--yes", "--stack", "prod", *cli_env])
    assert result.exit_code == 4
    assert "ops@laptop:1" in result.stderr


@pytest.mark.moto
def test_r15_3_paused_migration_exits_5_until_resumed(stand_in: StandIn, cli_env: list[str]) -> None:
    assert runner.invoke(app, ["migrate", "pause", "--reason", "dashboards red", *cli_env]).exit_code == 0
    result = runner.invoke(app, ["migrate", "advance", "--yes", "--stack", "prod", *cli_env])
    assert result.exit_code == 5 and "dashboards red" in result.stderr
    assert runner.invoke(app, ["migrate", "resume", *cli_env]).exit_code == 0
    status = json.loads(runner.invoke(app, ["migrate", "status", "--json", *cli_env]).stdout)
    assert status["paused"] is None
    assert [h["reason"] for h in status["history"]] == ["paused: dashboards red", "resumed: operator"]


@pytest.mark.moto
def test_r15_2_rollback_moves_weights_even_when_the_stack_cannot_be_updated(
    stand_in: StandIn, cli_env: list[str]
) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    dry = runner.invoke(app, ["migrate", "rollback", "--dry-run", "--json", *cli_env])
    assert json.loads(dry.stdout)["weights_after"] == {"blue": 100, "green": 0}
    assert stand_in.weights() == {"blue": 90, "green": 10}

    # No Pulumi CLI on this machine: the weights go back first, then the reconcile fails loudly.
    result = runner.invoke(
        app, ["migrate", "rollback", "--yes", "--stack", "prod", "--work-dir", str(Path.cwd()), *cli_env]
    )
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert result.exit_code == 1
    assert "traffic is back on blue" in result.stderr


@pytest.mark.moto
def test_r14_3_status_table_flags_drift_between_set_and_observed_weights(
    stand_in: StandIn, cli_env: list[str]
) -> None:
    from tap.migration.appliers import Route53Applier
    from tap.migration.deployment import Deployment
    from tap.phase_plan import plan_for

    Route53Applier(stand_in.route53, Deployment.from_flat(stand_in.outputs), stand_in.clock).shift(
        plan_for(Phase.TRAFFIC_SHIFT_50, stand_in.settings.fleet_sizes)
    )
    result = runner.invoke(app, ["migrate", "status", *cli_env])
    assert result.exit_code == 0, result.output
    assert "weights set blue=100 green=0, observed blue=50 green=50: DRIFT" in result.output
    assert "rollback budget: 60 s interval x 2 failures" in result.output
    assert "history: (empty)" in result.output


def test_r14_5_bake_progress_shows_elapsed_failures_and_the_last_analysis() -> None:
    from tap.cli.migrate.render import BakeDisplay
    from tap.migration.controller import BakeTick
    from tap.migration.gates import GateResult, Verdict

    display = BakeDisplay()
    last = GateResult("analysis", Verdict.PASS, "5xx 0.00% of 1000 requests")
    display(BakeTick(Phase.TRAFFIC_SHIFT_10, 60.0, 600.0, 0, last))
    display.stop()
    task = display.progress.tasks[0]
    assert task.description == "baking traffic-shift-10"
    assert task.completed == 60.0 and task.total == 600.0
    assert "pass: 5xx 0.00% of 1000 requests" in task.fields["status"]


@pytest.mark.moto
def test_r15_2_rollback_without_a_stack_name_still_moves_the_weights(
    stand_in: StandIn, cli_env: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 3 a.m. the on-call may not know the stack name: the Route53 half of a rollback needs
    none, so it must not be refused for the lack of it (review of issue 6)."""
    monkeypatch.delenv("PULUMI_STACK", raising=False)
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    result = runner.invoke(app, ["migrate", "rollback", "--yes", *cli_env])
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert result.exit_code == 1  # the stack is not reconciled: said so, loudly
    assert "traffic is back on blue" in result.stderr and "--stack" in result.stderr


@pytest.mark.moto
def test_status_database_gate_uses_the_same_database_options_as_advance(
    stand_in: StandIn, cli_env: list[str]
) -> None:
    """Without dev's admin secret the gate says how to let it look (fail closed); given one, it
    tries to read the servers: a secret that is not there is "cannot observe", never a pass."""

    def database_gate(*extra: str) -> dict[str, str]:
        result = runner.invoke(app, ["migrate", "status", "--json", *cli_env, *extra])
        (gate,) = [g for g in json.loads(result.stdout)["gates"] if g["gate"] == "database"]
        return {"verdict": str(gate["verdict"]), "detail": str(gate["detail"])}

    blind = database_gate()
    assert blind["verdict"] == "fail" and "--dev-admin-secret-arn" in blind["detail"]
    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dev-admin-AbCdEf"
    tried = database_gate("--dev-admin-secret-arn", missing, "--dialect", "local")
    assert tried["verdict"] == "inconclusive" and "cannot observe the databases" in tried["detail"]
