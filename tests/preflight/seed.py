"""What each check reads, written into the moto account with boto3 (as AWS would hold it)."""

from __future__ import annotations

from typing import Any

from tap.aws_clients import AwsClients

DEV_DB = "payments-dev-mysql"  # tap:devDbInstanceId in Pulumi.example.yaml
DOMAIN = "payments.example.com"
BUNDLE = ("payments-releases-example", "payments-service/2026.11.3/payments-service.tar.gz")


def dev_network(clients: AwsClients, cidr: str = "10.20.0.0/16") -> dict[str, Any]:
    ec2 = clients.client("ec2")
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split("/")[0].rsplit(".", 2)[0]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{i}.0/24", AvailabilityZone=f"us-east-1{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = ec2.create_security_group(GroupName="dev-db", Description="dev db", VpcId=vpc)["GroupId"]
    app_sg = ec2.create_security_group(GroupName="dev-app", Description="dev app", VpcId=vpc)["GroupId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    return {"vpc": vpc, "subnets": subnets, "db_sg": sg, "app_sg": app_sg, "route_table": table}


def dev_database(
    clients: AwsClients,
    *,
    version: str = "8.0.39",
    storage: int = 100,
    retention: int = 7,
    parameters: dict[str, str] | None = None,
    custom_group: bool = True,
    cidr: str = "10.20.0.0/16",
) -> dict[str, Any]:
    """Dev's MySQL in its own VPC, with a custom parameter group (by default binlog_format=ROW
    and replicate-ignore-db=mysql)."""
    rds = clients.client("rds")
    net = dev_network(clients, cidr)
    rds.create_db_subnet_group(
        DBSubnetGroupName="dev-db-subnets", DBSubnetGroupDescription="dev", SubnetIds=net["subnets"]
    )
    extra: dict[str, Any] = {}
    if custom_group:
        rds.create_db_parameter_group(
            DBParameterGroupName="dev-mysql80", DBParameterGroupFamily="mysql8.0", Description="dev"
        )
        values = (
            {"binlog_format": "ROW", "replicate-ignore-db": "mysql"} if parameters is None else parameters
        )
        if values:
            rds.modify_db_parameter_group(
                DBParameterGroupName="dev-mysql80",
                Parameters=[
                    {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "pending-reboot"}
                    for k, v in values.items()
                ],
            )
        extra["DBParameterGroupName"] = "dev-mysql80"
    rds.create_db_instance(
        DBInstanceIdentifier=DEV_DB,
        Engine="mysql",
        EngineVersion=version,
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=storage,
        MasterUsername="admin",
        MasterUserPassword="not-a-real-one-1",
        DBSubnetGroupName="dev-db-subnets",
        VpcSecurityGroupIds=[net["db_sg"]],
        BackupRetentionPeriod=retention,
        **extra,
    )
    return net


def zone(clients: AwsClients) -> list[str]:
    """The public zone; returns its delegation set's name servers."""
    r53 = clients.client("route53")
    created = r53.create_hosted_zone(Name=DOMAIN, CallerReference="preflight-test")
    servers: list[str] = created["DelegationSet"]["NameServers"]
    return servers


def bundle(clients: AwsClients, body: bytes = b"release bundle bytes") -> None:
    s3 = clients.client("s3")
    s3.create_bucket(Bucket=BUNDLE[0])
    s3.put_object(Bucket=BUNDLE[0], Key=BUNDLE[1], Body=body)


def service_role(clients: AwsClients) -> None:
    clients.client("iam").create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
