"""Two MariaDB servers for the session (stopped by pid, also when a test fails), and per test
a fresh moto account holding the data tier's AWS side, with the servers reset to "prod
replicates from dev, dev is the writer"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tap.aws_clients import AwsClients
from tap.replication.config import SwitchSettings
from tap.replication.context import DbContext
from tests.replication.servers import INSTALL_HINT, LocalServer, binaries, start_pair
from tests.replication.world import context, create_aws, reset_topology

# Quick settings for tests: short lag window and lease, same logic.
FAST = SwitchSettings(lag_window_seconds=0.3, poll_seconds=0.02, lease_seconds=2, ssl=False)


@pytest.fixture(scope="session")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalServer, LocalServer]]:
    if binaries() is None:
        pytest.skip(f"mariadbd is not installed: `{INSTALL_HINT}` (make test does it as root)")
    dev, prod = start_pair(tmp_path_factory.mktemp("mariadb"))
    try:
        yield dev, prod
    finally:
        dev.stop()
        prod.stop()


@dataclass
class World:
    dev: LocalServer
    prod: LocalServer
    clients: AwsClients
    outputs: dict[str, Any]
    ctx: DbContext

    def fresh_context(self, settings: SwitchSettings = FAST, owner: str = "test") -> DbContext:
        return context(self.clients, self.outputs, settings, owner)


@pytest.fixture
def world(mariadb: tuple[LocalServer, LocalServer], moto_clients: AwsClients) -> Iterator[World]:
    dev, prod = mariadb
    outputs = create_aws(moto_clients, dev, prod)
    ctx = context(moto_clients, outputs, FAST)
    reset_topology(dev, prod, ctx)
    try:
        yield World(dev, prod, moto_clients, outputs, ctx)
    finally:
        ctx.close()
