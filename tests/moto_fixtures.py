"""A moto server on 127.0.0.1 for tests that exercise real AWS API calls offline.

Registered for every test by `pytest_plugins` in tests/conftest.py.

Each pytest worker gets its own server on a free port (so parallel workers and concurrent
suites never collide). A test gets the account empty through `moto_clients`, or holding a
seeded plan through `emulator.holding` (tests/emulator_account.py), which restores it cheaply
from what the previous test wrote.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from tap.aws_clients import AwsClients
from tests.emulator_account import EmulatorAccount
from tests.moto_server import RecordingMotoServer


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_server() -> Iterator[RecordingMotoServer]:
    # Fake credentials: the emulator accepts anything, and nothing may reach real AWS.
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ[key] = value
    os.environ.pop("AWS_PROFILE", None)
    server = RecordingMotoServer(_free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto_endpoint(moto_server: RecordingMotoServer) -> str:
    host, port = moto_server.get_host_and_port()
    return f"http://{host}:{port}"


@pytest.fixture(scope="session")
def emulator(moto_server: RecordingMotoServer, moto_endpoint: str) -> EmulatorAccount:
    """The worker's account, with one client set for the session: creating boto3 clients
    (loading service models) costs about 0.1 s each, more than most tests' calls."""
    return EmulatorAccount(moto_endpoint, moto_server.writes)


@pytest.fixture
def moto_clients(emulator: EmulatorAccount) -> AwsClients:
    """Clients pointed at the emulator, with its state reset: every test starts from an
    empty account."""
    return emulator.empty()
