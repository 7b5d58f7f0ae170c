"""Preflight fixtures: a context over the example settings and the moto account, a private CA
for the HTTPS tests, and the example plan (rendered once per session by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tap.aws_clients import AwsClients
from tap.offline.config_file import load_values
from tap.phase_plan import plan_for
from tap.phases import Phase
from tap.preflight.context import PreflightContext
from tap.settings import parse
from tests.conftest import EXAMPLE, plan_of
from tests.preflight.tls import Ca, make_ca

MakeCtx = Callable[..., PreflightContext]


def context(
    clients: AwsClients,
    overrides: dict[str, Any] | None = None,
    phase: Phase = Phase.INITIAL,
    now: datetime | None = None,
    **options: Any,
) -> PreflightContext:
    """The example settings (plus overrides) at `phase`. The plan is the example's own: the
    overrides used in these tests change nothing the plan-reading checks look at."""
    settings = parse({**load_values(EXAMPLE), **(overrides or {}), "migrationPhase": phase.value})
    ctx = PreflightContext(
        settings=settings,
        phase_plan=plan_for(phase, settings.fleet_sizes),
        clients=clients,
        render_plan=lambda: plan_of(phase),
        **options,
    )
    if now is not None:
        ctx.now = lambda: now
    return ctx


@pytest.fixture
def aws(moto_clients: AwsClients) -> AwsClients:
    """The session's clients (tests/moto_fixtures.py) on an account emptied for this test."""
    return moto_clients


@pytest.fixture
def make_ctx(aws: AwsClients) -> MakeCtx:
    def make(**kwargs: Any) -> PreflightContext:
        return context(aws, **kwargs)

    return make


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Ca:
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def cert_dir(tmp_path: Path) -> Path:
    return tmp_path
