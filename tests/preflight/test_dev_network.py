"""Dev's VPC, read from dev's database subnet group (moto): exists, does not overlap prod."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from tap.aws_clients import AwsClients
from tap.preflight import dev_network
from tap.preflight.result import Status
from tests.preflight import seed
from tests.preflight.conftest import MakeCtx

pytestmark = pytest.mark.moto


def test_dev_vpc_apart_from_prod_passes(aws: AwsClients, make_ctx: MakeCtx) -> None:
    net = seed.dev_database(aws, cidr="10.20.0.0/16")
    result = dev_network.dev_vpc(make_ctx())
    assert result.status is Status.PASS
    assert net["vpc"] in result.message and "10.20.0.0/16" in result.message


def test_dev_vpc_overlapping_prod_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws, cidr="10.0.0.0/16")  # the example's prod vpcCidr
    result = dev_network.dev_vpc(make_ctx())
    assert result.status is Status.FAIL
    assert "overlaps prod's vpcCidr 10.0.0.0/16" in result.message


def test_members_skip_while_the_settings_are_not_present(make_ctx: MakeCtx) -> None:
    result = dev_network.dev_vpc_members(make_ctx())
    assert result.status is Status.SKIP and "setting not present" in result.message


def _with_dev_network(make_ctx: MakeCtx, **fields: object):  # type: ignore[no-untyped-def]
    """The data tier's DevNetwork settings group, as it will appear on Settings."""
    ctx = make_ctx()
    ctx.settings = dataclasses.replace(ctx.settings)
    object.__setattr__(ctx.settings, "dev_network", SimpleNamespace(**fields))
    return ctx


def test_members_in_dev_vpc_pass_and_foreign_ones_fail(aws: AwsClients, make_ctx: MakeCtx) -> None:
    net = seed.dev_database(aws)
    good = _with_dev_network(
        make_ctx,
        vpc_id=net["vpc"],
        route_table_ids=(net["route_table"],),
        app_security_group_id=net["app_sg"],
    )
    assert dev_network.dev_vpc_members(good).status is Status.PASS
    assert dev_network.dev_vpc(good).status is Status.PASS

    other = aws.client("ec2").create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    stray = aws.client("ec2").create_route_table(VpcId=other)["RouteTable"]["RouteTableId"]
    bad = _with_dev_network(make_ctx, route_table_ids=(stray, "rtb-0000000000000dead"))
    result = dev_network.dev_vpc_members(bad)
    assert result.status is Status.FAIL
    assert (
        f"{stray} is in {other}" in result.message
        and "rtb-0000000000000dead does not exist" in result.message
    )

    wrong_vpc = _with_dev_network(make_ctx, vpc_id=other)
    assert dev_network.dev_vpc(wrong_vpc).status is Status.FAIL
