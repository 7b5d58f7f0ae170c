"""A rollback wins even when the state table cannot be used (review of issue 6; SPEC R15.2):
DynamoDB throttled for good, or a permission gone, must not keep payments on a bad green."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tap.emulator.stand_in import StandIn
from tap.migration.errors import ApplyFailed
from tap.phases import Phase
from tests.migration.conftest import make_controller

pytestmark = pytest.mark.moto


class UnreachableTable:
    """Every DynamoDB call fails, as when the role lost dynamodb:* or the table is throttled."""

    def __getattr__(self, name: str) -> Any:
        def fail(**_kwargs: Any) -> Any:
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "denied"}}, name)

        return fail


def test_r15_2_rollback_moves_the_weights_when_the_state_table_is_unusable(stand_in: StandIn) -> None:
    stand_in.deploy_phase(Phase.TRAFFIC_SHIFT_10)
    operator = make_controller(stand_in, owner="operator")
    operator.store.db = UnreachableTable()
    with pytest.raises(ApplyFailed) as exc:
        operator.rollback("pager")
    assert stand_in.weights() == {"blue": 100, "green": 0}
    message = str(exc.value)
    assert "traffic is back on blue" in message
    assert "AccessDeniedException" in message and "tap migrate rollback" in message
    assert not [c for c in stand_in.pulumi_calls if c[0] == "up"]  # no unlocked stack update
