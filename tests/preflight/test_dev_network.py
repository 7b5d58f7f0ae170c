"""Dev's VPC, read from dev's database subnet group (moto): exists, does not overlap prod."""

from __future__ import annotations

import pytest

from tap.aws_clients import AwsClients
from tap.preflight import dev_network
from tap.preflight.result import Status
from tests.preflight import seed
from tests.preflight.conftest import MakeCtx

pytestmark = pytest.mark.moto


def _dev(net: dict[str, object], cidr: str = "10.20.0.0/16") -> dict[str, object]:
    """Settings naming the seeded dev network."""
    return {
        "devVpcId": net["vpc"],
        "devVpcCidr": cidr,
        "devRouteTableIds": [net["route_table"]],
        "devAppSecurityGroupId": net["app_sg"],
        "devDbSecurityGroupId": net["db_sg"],
    }


def test_dev_vpc_apart_from_prod_passes(aws: AwsClients, make_ctx: MakeCtx) -> None:
    net = seed.dev_database(aws, cidr="10.20.0.0/16")
    result = dev_network.dev_vpc(make_ctx(overrides=_dev(net)))
    assert result.status is Status.PASS
    assert net["vpc"] in result.message and "10.20.0.0/16" in result.message


def test_dev_vpc_overlapping_prod_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    net = seed.dev_database(aws, cidr="10.0.0.0/16")  # the example's prod vpcCidr
    # The settings refuse an overlapping devVpcCidr, so name a disjoint one: AWS is what overlaps.
    result = dev_network.dev_vpc(make_ctx(overrides=_dev(net, cidr="10.20.0.0/16")))
    assert result.status is Status.FAIL
    assert "overlaps prod's vpcCidr 10.0.0.0/16" in result.message


def test_dev_vpc_setting_other_than_devs_database_vpc_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.dev_database(aws)
    result = dev_network.dev_vpc(make_ctx())  # the example's fake vpc id
    assert result.status is Status.FAIL and "is not dev's database VPC" in result.message


def test_members_in_dev_vpc_pass_and_foreign_ones_fail(aws: AwsClients, make_ctx: MakeCtx) -> None:
    net = seed.dev_database(aws)
    assert dev_network.dev_vpc_members(make_ctx(overrides=_dev(net))).status is Status.PASS

    other = aws.client("ec2").create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    stray = aws.client("ec2").create_route_table(VpcId=other)["RouteTable"]["RouteTableId"]
    bad = make_ctx(overrides={**_dev(net), "devRouteTableIds": [stray, "rtb-0000000000000dead"]})
    result = dev_network.dev_vpc_members(bad)
    assert result.status is Status.FAIL
    assert (
        f"{stray} is in {other}" in result.message
        and "rtb-0000000000000dead does not exist" in result.message
    )
