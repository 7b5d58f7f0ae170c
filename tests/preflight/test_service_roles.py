"""The Auto Scaling service-linked role (found item 4), on moto's IAM."""

from __future__ import annotations

import pytest

from tap.aws_clients import AwsClients
from tap.preflight import service_roles
from tap.preflight.result import Status
from tests.preflight import seed
from tests.preflight.conftest import MakeCtx

pytestmark = pytest.mark.moto


def test_missing_role_fails_with_the_create_command(make_ctx: MakeCtx) -> None:
    result = service_roles.autoscaling_role(make_ctx())
    assert result.status is Status.FAIL
    assert "create-service-linked-role --aws-service-name autoscaling.amazonaws.com" in result.action


def test_existing_role_passes(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.service_role(aws)
    result = service_roles.autoscaling_role(make_ctx())
    assert result.status is Status.PASS and "AWSServiceRoleForAutoScaling" in result.message
