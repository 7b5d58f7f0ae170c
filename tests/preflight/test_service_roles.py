"""The Auto Scaling service-linked role (found item 4), on moto's IAM."""

from __future__ import annotations

import pytest

from tap.aws_clients import AwsClients
from tap.preflight import service_roles
from tap.preflight.result import Status
from tests.preflight import seed
from tests.preflight.conftest import MakeCtx

pytestmark = pytest.mark.moto


NOT_CREATED = {"createAutoScalingServiceLinkedRole": False}


def test_missing_role_the_stack_does_not_create_fails_with_the_setting_to_change(make_ctx: MakeCtx) -> None:
    result = service_roles.autoscaling_role(make_ctx(overrides=NOT_CREATED))
    assert result.status is Status.FAIL
    assert "tap:createAutoScalingServiceLinkedRole true" in result.action


def test_existing_role_the_stack_does_not_create_passes(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.service_role(aws)
    result = service_roles.autoscaling_role(make_ctx(overrides=NOT_CREATED))
    assert result.status is Status.PASS and "AWSServiceRoleForAutoScaling" in result.message


def test_missing_role_the_stack_creates_passes(make_ctx: MakeCtx) -> None:
    assert service_roles.autoscaling_role(make_ctx()).status is Status.PASS


def test_existing_role_the_stack_would_create_again_fails_with_the_setting_to_change(
    aws: AwsClients, make_ctx: MakeCtx
) -> None:
    seed.service_role(aws)
    result = service_roles.autoscaling_role(make_ctx())  # the example creates it
    assert result.status is Status.FAIL and "has been taken" in result.message
    assert "tap:createAutoScalingServiceLinkedRole false" in result.action
