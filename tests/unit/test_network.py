"""SPEC R1: relationships between the network resources in the plan."""

from __future__ import annotations

from tap.offline.plan import Plan
from tests.helpers import NAT, ROUTE, ROUTE_TABLE, RTA, SUBNET


def subnet_az_of_route_table(plan: Plan, rt_id: str) -> set[str]:
    return {
        plan.by_id(a.get("subnetId")).get("availabilityZone")
        for a in plan.of_type(RTA)
        if a.get("routeTableId") == rt_id
    }


def test_r1_1_vpc_has_dns_support_and_hostnames(plan: Plan) -> None:
    vpc = plan.one("aws:ec2/vpc:Vpc")
    assert vpc.get("cidrBlock") == "10.0.0.0/16"
    assert vpc.get("enableDnsSupport") is True and vpc.get("enableDnsHostnames") is True


def test_r1_1_one_public_and_one_private_subnet_per_az(plan: Plan) -> None:
    vpc = plan.one("aws:ec2/vpc:Vpc")
    subnets = plan.of_type(SUBNET)
    assert all(s.get("vpcId") == vpc.id for s in subnets)
    by_tier: dict[str, list[str]] = {}
    for s in subnets:
        by_tier.setdefault(s.get("tags")["Tier"], []).append(s.get("availabilityZone"))
    assert sorted(by_tier["public"]) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert sorted(by_tier["private"]) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert {s.get("cidrBlock") for s in subnets} == {
        "10.0.1.0/24",
        "10.0.2.0/24",
        "10.0.3.0/24",
        "10.0.11.0/24",
        "10.0.12.0/24",
        "10.0.13.0/24",
    }
    assert not any(s.get("mapPublicIpOnLaunch") for s in subnets)


def test_r1_2_each_nat_sits_in_the_public_subnet_of_its_own_az_with_its_own_eip(plan: Plan) -> None:
    nats = plan.of_type(NAT)
    assert len(nats) == 3
    allocations = set()
    for nat in nats:
        subnet = plan.by_id(nat.get("subnetId"))
        assert subnet.get("tags")["Tier"] == "public"
        assert subnet.get("availabilityZone") in nat.name
        eip = plan.by_id(nat.get("allocationId"))
        assert eip.type == "aws:ec2/eip:Eip" and eip.get("domain") == "vpc"
        allocations.add(nat.get("allocationId"))
    assert len(allocations) == 3


def test_r1_2_each_private_route_table_sends_default_route_to_nat_in_its_own_az(plan: Plan) -> None:
    private_rts = [rt for rt in plan.of_type(ROUTE_TABLE) if "private" in rt.name]
    assert len(private_rts) == 3
    for rt in private_rts:
        defaults = [
            r
            for r in plan.of_type(ROUTE)
            if r.get("routeTableId") == rt.id and r.get("destinationCidrBlock") == "0.0.0.0/0"
        ]
        assert len(defaults) == 1
        assert defaults[0].get("gatewayId") is None
        nat = plan.by_id(defaults[0].get("natGatewayId"))
        nat_az = plan.by_id(nat.get("subnetId")).get("availabilityZone")
        served = subnet_az_of_route_table(plan, rt.id)
        assert served == {nat_az}, f"{rt.name} serves {served} but routes through NAT in {nat_az}"


def test_r1_2_one_public_route_table_to_the_igw_for_all_public_subnets(plan: Plan) -> None:
    igw = plan.one("aws:ec2/internetGateway:InternetGateway")
    public_rt = plan.one(ROUTE_TABLE, f"prod-public-rt-{plan.settings.core.environment_suffix}")
    route = [r for r in plan.of_type(ROUTE) if r.get("routeTableId") == public_rt.id]
    assert [(r.get("destinationCidrBlock"), r.get("gatewayId")) for r in route] == [("0.0.0.0/0", igw.id)]
    public_subnets = {s.id for s in plan.of_type(SUBNET) if s.get("tags")["Tier"] == "public"}
    associated = {a.get("subnetId") for a in plan.of_type(RTA) if a.get("routeTableId") == public_rt.id}
    assert associated == public_subnets


def test_r1_3_flow_logs_go_to_an_encrypted_log_group_with_retention(plan: Plan) -> None:
    flow = plan.one("aws:ec2/flowLog:FlowLog")
    vpc = plan.one("aws:ec2/vpc:Vpc")
    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    group = plan.by_arn(flow.get("logDestination"))
    assert flow.get("vpcId") == vpc.id and flow.get("trafficType") == "ALL"
    assert group.get("kmsKeyId") == key.outputs["arn"]
    assert group.get("retentionInDays") == 365  # audit evidence: auditLogRetentionDays (R19)
    role = plan.by_arn(flow.get("iamRoleArn"))
    assert "vpc-flow-logs.amazonaws.com" in role.get("assumeRolePolicy")


def test_r1_3_s3_gateway_endpoint_serves_every_private_route_table(plan: Plan) -> None:
    endpoint = plan.one("aws:ec2/vpcEndpoint:VpcEndpoint")
    private_rts = {rt.id for rt in plan.of_type(ROUTE_TABLE) if "private" in rt.name}
    assert endpoint.get("vpcEndpointType") == "Gateway"
    assert endpoint.get("serviceName") == "com.amazonaws.us-east-1.s3"
    assert set(endpoint.get("routeTableIds")) == private_rts
