"""A moto server on 127.0.0.1 for tests that exercise real AWS API calls offline.

Registered for every test by `pytest_plugins` in tests/conftest.py.

Each pytest worker gets its own server on a free port (so parallel workers and concurrent
suites never collide); tests reset the emulator's state through `moto_clients` when they need
a clean account.
"""

from __future__ import annotations

import os
import socket
import urllib.request
from collections.abc import Iterator

import pytest

from tap.aws_clients import AwsClients


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    # Fake credentials: the emulator accepts anything, and nothing may reach real AWS.
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ[key] = value
    os.environ.pop("AWS_PROFILE", None)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def moto_clients(moto_endpoint: str) -> AwsClients:
    """Clients pointed at the emulator, with its state reset: every test starts from an
    empty account."""
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    return AwsClients(region="us-east-1", endpoint_url=moto_endpoint)
