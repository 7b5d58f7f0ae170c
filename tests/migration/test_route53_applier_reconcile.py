"""The route53 applier says, before it moves anything, that it cannot reconcile the stack
(no Pulumi CLI); `--no-reconcile` moves only the weights, and `status` shows the drift
(issue 12, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tap.migration.controller import Controller
from tap.migration.deployment import Deployment
from tap.migration.errors import ApplyFailed
from tap.migration.records import Outcome
from tap.migration.wiring import ApplierName, build_controller
from tests.migration.conftest import SWITCHED
from tests.migration.env import StandIn

pytestmark = pytest.mark.moto


def _route53_controller(stand_in: StandIn, *, reconcile: bool) -> Controller:
    return build_controller(
        stand_in.settings,
        Deployment.from_flat(stand_in.outputs),
        stand_in.clients,
        stand_in.clock,
        stack_name="prod",
        work_dir=Path("/srv/tap"),
        owner="ops",
        applier=ApplierName.ROUTE53,
        reconcile=reconcile,
        latency_stat="Maximum",
        switch_probe=lambda: SWITCHED,
    )


def test_without_the_pulumi_cli_nothing_moves_and_the_reason_comes_first(
    stand_in: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `pulumi` anywhere
    stand_in.feed_metrics(60)
    ctl = _route53_controller(stand_in, reconcile=True)
    with pytest.raises(ApplyFailed, match="Pulumi CLI is not on PATH") as exc:
        ctl.advance()
    assert "Nothing was moved" in str(exc.value) and "--no-reconcile" in str(exc.value)
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert all(e.outcome != Outcome.STARTED for e in ctl.store.history())


def test_no_reconcile_moves_only_the_weights_and_status_shows_the_drift(
    stand_in: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    stand_in.feed_metrics(60)
    ctl = _route53_controller(stand_in, reconcile=False)
    ctl.advance()
    assert stand_in.weights() == {"blue": 90, "green": 10}
    assert stand_in.deployed_phase() == "blue-green"  # the stack was not touched
    history = ctl.store.history()
    assert [e.outcome for e in history] == [Outcome.STARTED, Outcome.NOTE, Outcome.SUCCEEDED]
    assert "--no-reconcile" in history[1].reason and "pulumi up" in history[1].reason
    view = ctl.status()
    assert view.in_sync is False and view.weights_observed == {"blue": 90, "green": 10}
