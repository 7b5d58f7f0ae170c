"""Two MariaDB servers and a moto server of their own for the session (stopped by pid, also
when a test fails); per test a fresh migration state table, and the servers reset to "prod
replicates from dev, dev is the writer".

The replication tests keep their own moto server, in its own process (moto's state is global
to a process, and other packages' tests reset the shared in-process server between tests,
which would wipe the private zone and secrets these tests create once per session).

The MariaDB tests carry `xdist_group("mariadb")` so that one worker starts one pair, but with
pytest 9.2 and xdist 3.8 `--dist loadgroup` groups nothing (pytest-xdist#1386: xdist still
writes the old `_nodeid`): every worker that draws one of them starts its own pair and moto
process. They stay independent (own datadirs, ports and state table per test), only the setup
is paid more than once.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from tap.aws_clients import AwsClients
from tap.emulator.seed import create_state_table
from tap.replication.config import SwitchSettings
from tap.replication.context import DbContext
from tests.moto_fixtures import _free_port
from tests.replication.load import WriteLoad
from tests.replication.servers import DEV_HOST, INSTALL_HINT, LocalServer, binaries, start_pair, stop_all
from tests.replication.world import context, create_account, create_aws, reset_topology

# Quick settings for tests: short lag window and lease, same logic; replication over TLS.
FAST = SwitchSettings(lag_window_seconds=0.3, poll_seconds=0.02, lease_seconds=2, ssl=True)
_TABLES = itertools.count(1)


@dataclass
class MotoProcess:
    proc: subprocess.Popen[bytes]
    port: int
    log: Any


@pytest.fixture(scope="session")
def db_moto_process(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoProcess]:
    """A moto server process of its own, launched first so that it imports while the MariaDB
    pair starts; stopped by pid (the fake credentials in the environment come from
    `moto_endpoint`)."""
    port = _free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
    )
    try:
        yield MotoProcess(proc, port, log)
    finally:
        # SIGKILL: its state lives in memory and is thrown away; after SIGTERM moto took 1.6 s
        # to wind its interpreter down.
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        log.close()


def _endpoint(moto: MotoProcess) -> str:
    """The moto process's endpoint, once it accepts connections (bounded wait)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", moto.port), timeout=0.5).close()
            return f"http://127.0.0.1:{moto.port}"
        except OSError:
            if moto.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto server did not start; see {moto.log.name}") from None
            time.sleep(0.05)


@pytest.fixture(scope="session")
def db_account(db_moto_process: MotoProcess) -> Iterator[Future[dict[str, Any]]]:
    """The AWS side (`create_account`), made on a thread while the MariaDB pair starts
    (`mariadb` asks for this fixture so that it starts first): it costs moto 2-3 s of CPU
    (its EC2 backend loads on the first call) while the pair mostly waits on its disk."""

    def make() -> dict[str, Any]:
        return create_account(AwsClients("us-east-1", endpoint_url=_endpoint(db_moto_process)), DEV_HOST)

    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(make)


@pytest.fixture(scope="session")
def mariadb(
    tmp_path_factory: pytest.TempPathFactory, db_account: Future[dict[str, Any]]
) -> Iterator[tuple[LocalServer, LocalServer]]:
    if binaries() is None:
        pytest.skip(f"mariadbd is not installed: `{INSTALL_HINT}` (make test does it as root)")
    dev, prod = start_pair(tmp_path_factory.mktemp("mariadb"))
    try:
        yield dev, prod
    finally:
        stop_all(dev, prod)


@pytest.fixture(scope="session")
def db_moto(db_moto_process: MotoProcess) -> str:
    return _endpoint(db_moto_process)


@pytest.fixture(scope="session")
def db_aws(
    mariadb: tuple[LocalServer, LocalServer], db_moto: str, db_account: Future[dict[str, Any]]
) -> tuple[AwsClients, dict[str, Any]]:
    clients = AwsClients(region="us-east-1", endpoint_url=db_moto)
    return clients, create_aws(clients, *mariadb, account=db_account.result(timeout=60))


@dataclass
class World:
    dev: LocalServer
    prod: LocalServer
    clients: AwsClients
    outputs: dict[str, Any]
    ctx: DbContext
    moto_endpoint: str

    def fresh_context(self, settings: SwitchSettings = FAST, owner: str = "test") -> DbContext:
        return context(self.clients, self.outputs, settings, owner)

    def write_load(self) -> WriteLoad:
        """Payments written through the writer name (not started)."""
        zone = self.outputs["writer_zone_id"].rsplit("/", 1)[-1]
        return WriteLoad(
            self.clients.client("route53"), zone, self.outputs["writer_record_fqdn"], self.dev.port
        )


@pytest.fixture
def world(
    mariadb: tuple[LocalServer, LocalServer], db_aws: tuple[AwsClients, dict[str, Any]], db_moto: str
) -> Iterator[World]:
    dev, prod = mariadb
    clients, shared = db_aws
    outputs = {
        **shared,
        "migration_state_table_name": create_state_table(clients, f"tap-state-{next(_TABLES)}"),
    }
    ctx = context(clients, outputs, FAST)
    reset_topology(dev, prod, ctx)
    try:
        yield World(dev, prod, clients, outputs, ctx, db_moto)
    finally:
        ctx.close()
