"""The `tap` commands these tests run in process share one render per distinct settings
(tests/renders.py)."""

from __future__ import annotations

import pytest

from tests.renders import share_renders


@pytest.fixture(autouse=True)
def _shared_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    share_renders(monkeypatch)
