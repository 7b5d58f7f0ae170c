"""`tap db` as an operator runs it: a separate process, killed with SIGKILL mid-cutover, run
again: it resumes from the recorded step and a fresh observation, never leaving two writers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tap.replication.journal import Journal
from tests.replication.conftest import World
from tests.replication.helpers import delay_replica, keys, locked, wait_until
from tests.replication.load import resolve

# One worker holds the MariaDB pair: these tests share it (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("mariadb")

TAP = str(Path(sys.executable).with_name("tap"))
SWITCH = ["--yes", "--max-lag", "10", "--lag-window", "0.3", "--lease-seconds", "2"]


def _env(world: World) -> dict[str, str]:
    return {
        **os.environ,
        "TAP_AWS_ENDPOINT_URL": world.moto_endpoint,
        "TAP_DB_DIALECT": "local",  # local test servers only
        "TAP_DEV_DB_ADMIN_SECRET_ARN": world.outputs["_dev_admin_secret_arn"],
    }


def _outputs(world: World, tmp_path: Path) -> str:
    path = tmp_path / "flat-outputs.json"
    path.write_text(json.dumps(world.outputs))
    return str(path)


def test_status_json_names_one_writer(world: World, tmp_path: Path) -> None:
    run = subprocess.run(
        [TAP, "db", "status", "--json", "-o", _outputs(world, tmp_path)],
        env=_env(world),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["accepting_app_writes"] == ["dev"] and data["writer_record"]["names"] == "dev"
    assert data["prod"]["replication"]["running"] is True


def test_kill_9_mid_cutover_then_rerun_finishes_with_one_writer_and_nothing_lost(
    world: World, tmp_path: Path
) -> None:
    delay_replica(world.prod, 1)  # the catch-up wait takes ~1 s: a window to kill the process in
    zone = world.outputs["writer_zone_id"].rsplit("/", 1)[-1]
    r53 = world.clients.client("route53")
    load = world.write_load().start()
    env, outputs = _env(world), _outputs(world, tmp_path)
    journal = Journal(world.ctx.store)
    try:
        load.wait_for(50)
        proc = subprocess.Popen(
            [TAP, "db", "cutover", "-o", outputs, *SWITCH],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            run = journal.open_run()
            if run is not None and run.step.value == "fenced":
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert run is not None and run.step.value == "fenced"
        assert locked(world.dev) and locked(
            world.prod
        )  # fenced dev, prod never unlocked: no writer, never two
        wait_until(lambda: world.ctx.store.lock_holder() is None, 10, "the dead process's 2 s lease to lapse")
        again = subprocess.run(
            [TAP, "db", "cutover", "-o", outputs, *SWITCH],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stderr
        assert "resuming cutover run" in again.stderr
        n = len(load.acked)
        load.wait_for(n + 50)
    finally:
        load.stop()
    assert resolve(r53, zone, world.outputs["writer_record_fqdn"]) == world.prod.host
    assert locked(world.dev) and not locked(world.prod)
    on_prod = keys(world.prod)
    assert set(load.acked) <= set(on_prod) and all(c == 1 for c in on_prod.values())
