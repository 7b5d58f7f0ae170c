"""`tap rehearse` end to end: a moto server on a free 127.0.0.1 port, the seeder's deployment,
the real controller through status, advance, an injected alarm and rollback; nothing left
running afterwards."""

from __future__ import annotations

import json
import os
import socket
import sys
import threading

import pytest
from typer.testing import CliRunner

from tap.cli.app import app
from tap.cli.local import LocalError, require_emulator
from tap.emulator.rehearsal import START_PHASE
from tap.emulator.server import EmulatorError, require_moto
from tests.conftest import EXAMPLE, plan_of

runner = CliRunner()


@pytest.mark.moto
def test_rehearse_runs_the_cutover_and_leaves_nothing_running() -> None:
    # The first render in a process starts the engine's executor threads (asyncio_0..), which
    # stay for the process and are reused by every render: rendered first, they are not counted
    # as the rehearsal's (the test failed whenever it held its worker's first render).
    plan_of(START_PHASE)
    threads_before = {t.ident for t in threading.enumerate()}
    result = runner.invoke(app, ["rehearse", "--config", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["rehearsal"] is True and doc["endpoint"].startswith("http://127.0.0.1:")
    steps = [(s["title"], s["phase"], s["weights"]) for s in doc["steps"]]
    assert steps == [
        ("tap migrate status", "blue-green", {"blue": 100, "green": 0}),
        ("tap migrate advance", "traffic-shift-10", {"blue": 90, "green": 10}),
        (
            "alarm injected: prod-green-5xx-rate-alarm-pay01 -> ALARM",
            "traffic-shift-10",
            {"blue": 90, "green": 10},
        ),
        ("tap migrate rollback", "blue-green", {"blue": 100, "green": 0}),
    ]
    alarm = doc["steps"][2]["detail"]
    assert any("fail alarms" in line and "prod-green-5xx-rate-alarm-pay01" in line for line in alarm)
    assert [s["outcome"] for s in doc["steps"]] == ["ok", "ok", "alarm", "ok"]
    assert doc["label"].startswith("REHEARSAL on a local AWS API emulator")
    assert "nothing here touches AWS" in doc["label"]
    # Nothing left running: the server process is gone and nothing answers on its port.
    with pytest.raises(ProcessLookupError):
        os.kill(doc["emulator_pid"], 0)
    port = int(doc["endpoint"].rsplit(":", 1)[1])
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
    assert {t.ident for t in threading.enumerate() if t.is_alive()} <= threads_before


def test_a_missing_emulator_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "moto.server", None)  # what an install without the extra sees
    with pytest.raises(LocalError, match=r"pip install -e '\.\[emulator\]'"):
        require_emulator()
    with pytest.raises(EmulatorError, match=r"pip install -e '\.\[emulator\]'"):
        require_moto()
    result = runner.invoke(app, ["rehearse", "--config", str(EXAMPLE)])
    assert result.exit_code == 2 and "emulator is not installed" in result.output
