"""Builds a small copy of the stack's network, fleets, load balancer and database in the AWS
emulator through boto3, correct or with one thing broken, and returns its flat outputs."""

from __future__ import annotations

import base64
import json
from typing import Any

from tap.aws_clients import AwsClients

GOOD = "good"
# Each break is a mistake a person could make by hand in the console or in code review.
DB_OPEN_TO_WORLD = "db-group-open-to-world"
PRIVATE_ROUTE_TO_IGW = "private-route-to-igw"
IMDSV1 = "launch-template-allows-imdsv1"
PUBLIC_DB = "db-publicly-accessible"
ALB_PORT_80 = "alb-group-allows-port-80"
DEFAULT_EGRESS_KEPT = "app-group-keeps-default-egress"
BREAKS = (DB_OPEN_TO_WORLD, PRIVATE_ROUTE_TO_IGW, IMDSV1, PUBLIC_DB, ALB_PORT_80, DEFAULT_EGRESS_KEPT)

USER_DATA = (
    "#!/bin/bash\nDB_HOST=$(aws ssm get-parameter --name /tap/db --query Parameter.Value --output text)\n"
)


def _flat(values: dict[str, Any]) -> dict[str, str]:
    """The flat-output form: strings stay strings, everything else is JSON."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}


def _group(ec2: Any, vpc: str, name: str, *, keep_default_egress: bool = False) -> str:
    gid = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"])
    if not keep_default_egress:
        # AWS gives every new group an allow-all egress rule; Pulumi/Terraform remove it.
        ec2.revoke_security_group_egress(
            GroupId=gid, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
        )
    return gid


def _tcp(port: int, *, cidr: str | None = None, group: str | None = None, why: str) -> list[dict[str, Any]]:
    perm: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if cidr:
        perm["IpRanges"] = [{"CidrIp": cidr, "Description": why}]
    if group:
        perm["UserIdGroupPairs"] = [{"GroupId": group, "Description": why}]
    return [perm]


def build(clients: AwsClients, broken: str = GOOD) -> dict[str, str]:
    ec2, elb = clients.client("ec2"), clients.client("elbv2")
    asg, rds, kms, acm = (clients.client(s) for s in ("autoscaling", "rds", "kms", "acm"))
    key = kms.create_key(Description="tap test key")["KeyMetadata"]["Arn"]

    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public, private, nats = [], [], []
    for i, az in enumerate(("us-east-1a", "us-east-1b")):
        pub = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i + 1}.0/24", AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        priv = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i + 11}.0/24", AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nats.append(ec2.create_nat_gateway(SubnetId=pub, AllocationId=eip)["NatGateway"]["NatGatewayId"])
        public.append(pub)
        private.append(priv)
    rt_pub = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt_pub, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for s in public:
        ec2.associate_route_table(RouteTableId=rt_pub, SubnetId=s)
    for i, (s, nat) in enumerate(zip(private, nats, strict=True)):
        rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        if broken == PRIVATE_ROUTE_TO_IGW and i == 0:
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        else:
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        ec2.associate_route_table(RouteTableId=rt, SubnetId=s)

    # The stack takes over the VPC's default group and leaves it empty (SPEC R2.5).
    default = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]
    ec2.revoke_security_group_ingress(GroupId=default["GroupId"], IpPermissions=default["IpPermissions"])
    ec2.revoke_security_group_egress(GroupId=default["GroupId"], IpPermissions=default["IpPermissionsEgress"])

    sg_alb = _group(ec2, vpc, "alb")
    sg_app = _group(ec2, vpc, "app", keep_default_egress=broken == DEFAULT_EGRESS_KEPT)
    sg_db = _group(ec2, vpc, "db")
    ec2.authorize_security_group_ingress(
        GroupId=sg_alb, IpPermissions=_tcp(443, cidr="0.0.0.0/0", why="HTTPS")
    )
    if broken == ALB_PORT_80:
        ec2.authorize_security_group_ingress(
            GroupId=sg_alb, IpPermissions=_tcp(80, cidr="0.0.0.0/0", why="HTTP")
        )
    ec2.authorize_security_group_egress(GroupId=sg_alb, IpPermissions=_tcp(8080, group=sg_app, why="to app"))
    ec2.authorize_security_group_ingress(
        GroupId=sg_app, IpPermissions=_tcp(8080, group=sg_alb, why="from ALB")
    )
    ec2.authorize_security_group_egress(GroupId=sg_app, IpPermissions=_tcp(3306, group=sg_db, why="to MySQL"))
    ec2.authorize_security_group_egress(
        GroupId=sg_app, IpPermissions=_tcp(443, cidr="0.0.0.0/0", why="AWS APIs")
    )
    ec2.authorize_security_group_ingress(
        GroupId=sg_db, IpPermissions=_tcp(3306, group=sg_app, why="from app")
    )
    if broken == DB_OPEN_TO_WORLD:
        ec2.authorize_security_group_ingress(
            GroupId=sg_db, IpPermissions=_tcp(3306, cidr="0.0.0.0/0", why="debug")
        )

    lb = elb.create_load_balancer(
        Name="prod-alb", Subnets=public, SecurityGroups=[sg_alb], Scheme="internet-facing", Type="application"
    )["LoadBalancers"][0]
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Attributes=[
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": "prod-logs"},
        ],
    )
    tg = elb.create_target_group(
        Name="prod-tg-green", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    cert = acm.request_certificate(DomainName="app.payments.example.com", ValidationMethod="DNS")[
        "CertificateArn"
    ]
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )

    lt = ec2.create_launch_template(
        LaunchTemplateName="prod-lt-green",
        LaunchTemplateData={
            "ImageId": "ami-12c6146b",
            "InstanceType": "m5.large",
            "MetadataOptions": {
                "HttpTokens": "optional" if broken == IMDSV1 else "required",
                "HttpPutResponseHopLimit": 1,
                "HttpEndpoint": "enabled",
            },
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "KmsKeyId": key, "VolumeType": "gp3"}}
            ],
            "NetworkInterfaces": [{"DeviceIndex": 0, "Groups": [sg_app], "AssociatePublicIpAddress": False}],
            "UserData": base64.b64encode(USER_DATA.encode()).decode(),
        },
    )["LaunchTemplate"]["LaunchTemplateId"]
    for color in ("blue", "green"):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=f"prod-asg-{color}",
            LaunchTemplate={"LaunchTemplateId": lt, "Version": "$Latest"},
            MinSize=0,
            MaxSize=3,
            DesiredCapacity=0,
            VPCZoneIdentifier=",".join(private),
            TargetGroupARNs=[tg],
        )

    rds.create_db_subnet_group(
        DBSubnetGroupName="prod-db", DBSubnetGroupDescription="private", SubnetIds=private
    )
    rds.create_db_parameter_group(
        DBParameterGroupName="prod-mysql80", DBParameterGroupFamily="mysql8.0", Description="TLS only"
    )
    rds.create_db_instance(
        DBInstanceIdentifier="prod-rds",
        Engine="mysql",
        EngineVersion="8.0.39",
        DBInstanceClass="db.r5.large",
        AllocatedStorage=100,
        MasterUsername="admin",
        ManageMasterUserPassword=True,
        MasterUserSecretKmsKeyId=key,
        DBSubnetGroupName="prod-db",
        DBParameterGroupName="prod-mysql80",
        VpcSecurityGroupIds=[sg_db],
        PubliclyAccessible=broken == PUBLIC_DB,
        StorageEncrypted=True,
        KmsKeyId=key,
        MultiAZ=True,
        BackupRetentionPeriod=7,
        DeletionProtection=True,
        EnableIAMDatabaseAuthentication=True,
        EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId=key,
        EnableCloudwatchLogsExports=["error", "general", "slowquery"],
    )
    return _flat(
        {
            "vpc_id": vpc,
            "alb_arn": lb["LoadBalancerArn"],
            "blue_asg_name": "prod-asg-blue",
            "green_asg_name": "prod-asg-green",
            "db_instance_identifier": "prod-rds",
            "public_subnet_ids": public,
            "private_subnet_ids": private,
            "traffic_weight_blue": None,
        }
    )
