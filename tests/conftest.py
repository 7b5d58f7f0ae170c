"""Shared fixtures: the example settings, and one offline render per phase, cached for the
session (a render is the expensive part; every test only reads the plan)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest
from hypothesis import settings

from tap.offline.config_file import load_values
from tap.offline.plan import Plan
from tap.phases import PHASES, Phase
from tests.renders import render_once

# Fixtures `moto_endpoint` and `moto_clients` for every test package.
pytest_plugins = ["tests.moto_fixtures"]

# No per-example time limit: the suite runs three workers on two cores (and CI is no faster), where
# a 200 ms deadline failed examples that take 40 ms alone. The examples' counts stay bounded.
settings.register_profile("tap", deadline=None)
settings.load_profile("tap")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "Pulumi.example.yaml"


@pytest.fixture(scope="session", autouse=True)
def _render_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`tap plan` run by a test writes its render cache here, not into the working tree."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TAP_CACHE_DIR", str(tmp_path_factory.mktemp("tap-cache")))
        yield


@pytest.fixture(scope="session")
def example_values() -> dict[str, object]:
    return load_values(EXAMPLE)


@cache
def _example() -> tuple[tuple[str, object], ...]:
    return tuple(load_values(EXAMPLE).items())  # read once: plan_of is called hundreds of times


def plan_of(phase: Phase, **overrides: object) -> Plan:
    """The example settings (with `overrides`) rendered at `phase`, once per session (shared
    with the `tap` commands tests run in process: tests/renders.py)."""
    return render_once({**dict(_example()), **overrides, "migrationPhase": phase.value})


@pytest.fixture(scope="session")
def plans() -> Callable[[Phase], Plan]:
    return plan_of


@pytest.fixture(scope="session")
def plan() -> Plan:
    """The example settings at the phase that has the most in it (snapshot chain and traffic)."""
    return plan_of(Phase.TRAFFIC_SHIFT_10)


@pytest.fixture(params=PHASES, ids=[p.value for p in PHASES])
def any_phase_plan(request: pytest.FixtureRequest) -> Plan:
    return plan_of(request.param)
