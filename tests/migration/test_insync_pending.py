"""A Route53 change that stays PENDING (review of issue 6; SPEC R15.2): never reported as done,
recorded and announced, the operator told what to check, and no `advance` past it."""

from __future__ import annotations

from typing import Any

import pytest

from tap.migration.controller import ROLLED_BACK
from tap.migration.errors import ApplyFailed, RolledBack
from tests.migration.conftest import make_controller
from tests.migration.env import StandIn

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
    stand_in.clock.at(125.0, lambda: stand_in.set_alarm(0, "ALARM"))

    with pytest.raises(ApplyFailed) as exc:
        ctl.advance()
    message = str(exc.value)
    assert "PENDING" in message and "get-change" in message  # what to check, by id
    assert "tap migrate rollback" in message  # and what to run
    history = ctl.store.history()
    assert all(e.outcome != ROLLED_BACK for e in history)  # not reported as done...
    last = history[-1]
    assert last.outcome == "note" and "not confirmed" in last.reason  # ...but recorded
    assert ctl.store.rollback_request().active  # the unfinished rollback stays pending

    # The next advance finishes the rollback before anything else; it never moves forward.
    stand_in.set_alarm(0, "OK")
    with pytest.raises(RolledBack, match="pending rollback request"):
        make_controller(stand_in, owner="next").advance()
    assert stand_in.weights() == {"blue": 100, "green": 0}
    assert stand_in.deployed_phase() == "blue-green"
