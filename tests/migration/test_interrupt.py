"""Ctrl-C while `advance` bakes (review of issue 6; SPEC R15.3): the controller stops, but the
history, the alarm topic and the operator learn that green serves traffic nobody watches."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tap.emulator.stand_in import StandIn
from tap.migration.controller import BakeTick
from tap.migration.errors import Interrupted, MigrationError
from tests.migration.conftest import make_controller

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


def test_r15_3_an_aws_error_mid_bake_is_recorded_and_says_green_is_unwatched(
    stand_in: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CloudWatch call that keeps failing (here: permissions revoked) used to escape as a raw
    botocore traceback, with no history row and no word about the traffic green takes."""
    stand_in.feed_metrics(60)
    ctl = make_controller(stand_in)
    cw = ctl.clients.client("cloudwatch")
    real = cw.describe_alarms

    def describe_alarms(**kwargs: Any) -> Any:
        if stand_in.clock.elapsed >= 65:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "revoked"}}, "DescribeAlarms")
        return real(**kwargs)

    monkeypatch.setattr(cw, "describe_alarms", describe_alarms)
    with pytest.raises(MigrationError) as exc:
        ctl.advance()
    message = str(exc.value)
    assert "AccessDenied" in message and "green=10" in message and "nothing is watching" in message
    last = ctl.store.history()[-1]
    assert last.outcome == "note" and "AccessDenied" in last.reason
