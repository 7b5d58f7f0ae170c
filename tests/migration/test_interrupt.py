"""Ctrl-C while `advance` bakes (review of issue 6; SPEC R15.3): the controller stops, but the
history, the alarm topic and the operator learn that green serves traffic nobody watches."""

from __future__ import annotations

import pytest

from tap.migration.controller import BakeTick
from tap.migration.errors import Interrupted
from tests.migration.conftest import make_controller
from tests.migration.env import StandIn

pytestmark = pytest.mark.moto


def test_r15_3_ctrl_c_mid_bake_is_recorded_and_says_green_is_unwatched(stand_in: StandIn) -> None:
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)

    def ctrl_c(tick: BakeTick) -> None:
        if tick.elapsed >= 60:
            raise KeyboardInterrupt

    ctl.progress = ctrl_c
    with pytest.raises(Interrupted) as exc:
        ctl.advance()
    message = str(exc.value)
    assert "green=10" in message and "nothing is watching" in message
    assert "tap migrate advance" in message and "tap migrate rollback" in message
    assert exc.value.exit_code == 5
    last = ctl.store.history()[-1]
    assert last.outcome == "note" and "interrupted" in last.reason
    assert ctl.store.lock_holder() is None  # released for whoever acts next
    # The next advance re-judges the interrupted step from the start (a full bake).
    report = make_controller(stand_in, owner="next").advance()
    assert report.end_phase == "traffic-shift-10"
    assert [e.outcome for e in ctl.store.history()][-2:] == ["resumed", "succeeded"]
