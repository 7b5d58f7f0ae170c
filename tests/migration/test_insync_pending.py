"""A Route53 change that stays PENDING (review of issue 6; SPEC R15.2): never reported as done,
recorded and announced, the operator told what to check, and no `advance` past it."""

from __future__ import annotations

from typing import Any

import pytest

from tap.emulator.stand_in import StandIn
from tap.migration.appliers import Route53Applier
from tap.migration.errors import ApplyFailed, RolledBack
from tap.migration.records import Outcome
from tap.migration.wiring import ApplierName
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


class PendingRoute53:
    """The real client, except that GetChange never reaches INSYNC (a Route53 incident)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def get_change(self, **kwargs: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self._real.get_change(**kwargs)
        answer["ChangeInfo"]["Status"] = "PENDING"
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def test_r15_2_a_rollback_whose_change_stays_pending_is_recorded_not_reported_done(
    stand_in: StandIn,
) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, owner="baker")
    ctl.emergency.route53 = PendingRoute53(ctl.emergency.route53)
    stand_in.clock.at(125.0, lambda: stand_in.set_alarm("green_5xx", "ALARM"))

    with pytest.raises(ApplyFailed) as exc:
        ctl.advance()
    message = str(exc.value)
    assert "PENDING" in message and "get-change" in message  # what to check, by id
    assert "tap migrate rollback" in message  # and what to run
    history = ctl.store.history()
    assert all(e.outcome != Outcome.ROLLED_BACK for e in history)  # not reported as done...
    last = history[-1]
    assert last.outcome == "note" and "not confirmed" in last.reason  # ...but recorded
    assert ctl.store.rollback_request().active  # the unfinished rollback stays pending

    # The next advance finishes the rollback before anything else; it never moves forward.
    stand_in.set_alarm("green_5xx", "OK")
    with pytest.raises(RolledBack, match="pending rollback request"):
        make_controller(stand_in, owner="next").advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert stand_in.deployed_phase() == "blue-green"


def test_r15_1_a_forward_change_that_stays_pending_is_failed_and_says_what_green_serves(
    stand_in: StandIn,
) -> None:
    """Route53 applier, change stuck in PENDING: the step is not judged, not baked and not
    recorded as succeeded; the operator learns that green already serves the new weights
    with nobody watching, and what to run."""
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in, applier=ApplierName.ROUTE53)
    assert isinstance(ctl.applier, Route53Applier)
    ctl.applier.route53 = PendingRoute53(ctl.applier.route53)
    with pytest.raises(ApplyFailed) as exc:
        ctl.advance()
    message = str(exc.value)
    assert "get-change" in message
    assert "green=10" in message and "nothing is watching" in message
    assert "tap migrate rollback" in message and "tap migrate advance" in message
    history = ctl.store.history()
    assert [e.outcome for e in history] == ["started", "failed"]
    assert not [c for c in stand_in.pulumi_calls if c[0] == "up"]  # no reconcile of an unconfirmed change
