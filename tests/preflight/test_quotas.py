"""Service Quotas vs what the plan needs. moto answers the `vpc` quotas itself (NAT gateways
per AZ, VPCs); the EC2 and ELB quotas come from a fake Service Quotas server, because moto
has none of them and no GetAWSDefaultServiceQuota."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tap.aws_clients import AwsClients
from tap.naming import default_tags
from tap.preflight import quotas
from tap.preflight.result import Status
from tap.preflight.runner import run_one
from tests.preflight.conftest import MakeCtx, context
from tests.preflight.fake_quotas import QuotaTable, quotas_server

if TYPE_CHECKING:
    from types_boto3_ec2.type_defs import TagTypeDef

pytestmark = pytest.mark.moto
BY_NAME = {q.name: q for q in quotas.QUOTAS}
CHECK = {c.name: c for c in quotas.CHECKS}


def test_vpc_quotas_from_moto_hold_the_plan(make_ctx: MakeCtx) -> None:
    ctx = make_ctx()
    for name in ("quota-vpcs", "quota-nat-gateways"):
        result = quotas.check_quota(BY_NAME[name], ctx)
        assert result.status is Status.PASS, result.message
    # One VPC planned; moto's account already has its default VPC, which counts.
    assert "2 of 5 (1 planned + 1 already in use)" in quotas.check_quota(BY_NAME["quota-vpcs"], ctx).message


def test_vpcs_in_use_elsewhere_exhaust_the_quota(aws: AwsClients, make_ctx: MakeCtx) -> None:
    for i in range(4):
        aws.client("ec2").create_vpc(CidrBlock=f"10.{50 + i}.0.0/16")
    result = quotas.check_quota(BY_NAME["quota-vpcs"], make_ctx())
    assert result.status is Status.FAIL
    assert "needs 6 (1 planned + 5 already in use), quota is 5" in result.message
    assert "--quota-code L-F678F1CE --desired-value 6" in result.action


def test_own_resources_are_not_counted_twice(aws: AwsClients, make_ctx: MakeCtx) -> None:
    ctx = make_ctx()
    mine: list[TagTypeDef] = [{"Key": k, "Value": v} for k, v in default_tags(ctx.settings.core).items()]
    aws.client("ec2").create_vpc(
        CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": mine}]
    )
    assert "1 planned + 1 already in use" in quotas.check_quota(BY_NAME["quota-vpcs"], ctx).message


@pytest.fixture
def sq_table(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[QuotaTable, AwsClients]]:
    """Clients whose Service Quotas calls go to the fake server and everything else to moto,
    through boto3's own endpoint variables."""
    table = QuotaTable()
    with quotas_server(table) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SERVICE_QUOTAS", url)
        # One attempt: a throttled call then answers at once instead of after adaptive backoff.
        yield table, AwsClients(region="us-east-1", max_attempts=1)


def test_elastic_ips_below_plan_fail(aws: AwsClients, sq_table: tuple[QuotaTable, AwsClients]) -> None:
    table, clients = sq_table
    table.applied[("ec2", "L-0263D0A3")] = 2.0  # the plan has one NAT gateway, so one EIP, per AZ (3)
    result = quotas.check_quota(BY_NAME["quota-elastic-ips"], context(clients))
    assert (
        result.status is Status.FAIL
        and "needs 3 (3 planned + 0 already in use), quota is 2" in result.message
    )


def test_default_quota_is_used_when_none_was_applied(
    aws: AwsClients, sq_table: tuple[QuotaTable, AwsClients]
) -> None:
    table, clients = sq_table
    table.defaults[("elasticloadbalancing", "L-53DA6B97")] = 50.0
    result = quotas.check_quota(BY_NAME["quota-albs"], context(clients))
    assert result.status is Status.PASS
    assert "GetAWSDefaultServiceQuota" in result.read and "1 of 50" in result.message
    assert table.calls == ["GetServiceQuota", "GetAWSDefaultServiceQuota"]


def test_throttled_quota_call_is_could_not_check(
    aws: AwsClients, sq_table: tuple[QuotaTable, AwsClients]
) -> None:
    table, clients = sq_table
    table.throttle = True
    result = run_one(CHECK["quota-elastic-ips"], context(clients))
    assert result.status is Status.ERROR and "throttled" in result.message
