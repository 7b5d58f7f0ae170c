"""The shared boto3 client factory against the emulator: region, endpoint and caching."""

from __future__ import annotations

import pytest

from tap.aws_clients import AwsClients

pytestmark = pytest.mark.moto


def test_clients_talk_to_the_configured_endpoint_and_are_reused(moto_clients: AwsClients) -> None:
    ec2 = moto_clients.client("ec2")
    assert ec2 is moto_clients.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    assert [v["VpcId"] for v in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]] == [vpc]
    assert moto_clients.client("s3", region="us-west-2").meta.region_name == "us-west-2"


def test_endpoint_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAP_AWS_ENDPOINT_URL", "http://127.0.0.1:5999")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    clients = AwsClients.from_environment()
    assert (clients.endpoint_url, clients.region) == ("http://127.0.0.1:5999", "eu-west-1")
