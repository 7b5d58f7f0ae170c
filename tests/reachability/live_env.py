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
NAT_IN_OTHER_AZ = "private-route-to-the-other-azs-nat"
DB_FROM_PREFIX_LIST = "db-group-admits-a-prefix-list"
TLS_DENY_BUCKET_ONLY = "bucket-policy-denies-plain-http-on-the-bucket-only"
NO_PUBLIC_ACCESS_BLOCK = "replica-bucket-without-public-access-block"
VERSIONING_SUSPENDED = "log-bucket-versioning-suspended"
KEY_NOT_ROTATED = "kms-key-rotation-off"
ALARM_ACTIONS_DISABLED = "alarm-actions-disabled"
WEIGHTS_ALL_ZERO = "both-weighted-records-at-zero"
ACLS_STILL_ON = "log-bucket-ownership-object-writer"
DEV_APP_NOT_ADMITTED = "prod-db-group-without-the-dev-app-rule"
DEV_ROUTES_WHOLE_VPC = "dev-peering-routes-cover-the-public-subnets"
BREAKS = (
    DB_OPEN_TO_WORLD,
    PRIVATE_ROUTE_TO_IGW,
    IMDSV1,
    PUBLIC_DB,
    ALB_PORT_80,
    DEFAULT_EGRESS_KEPT,
    NAT_IN_OTHER_AZ,
    DB_FROM_PREFIX_LIST,
    TLS_DENY_BUCKET_ONLY,
    NO_PUBLIC_ACCESS_BLOCK,
    VERSIONING_SUSPENDED,
    KEY_NOT_ROTATED,
    ALARM_ACTIONS_DISABLED,
    WEIGHTS_ALL_ZERO,
    ACLS_STILL_ON,
    DEV_APP_NOT_ADMITTED,
    DEV_ROUTES_WHOLE_VPC,
)

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
    private_tables = []
    for i, (s, nat) in enumerate(zip(private, nats, strict=True)):
        rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        private_tables.append(rt)
        if broken == PRIVATE_ROUTE_TO_IGW and i == 0:
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        elif broken == NAT_IN_OTHER_AZ and i == 1:
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nats[0])
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
    if broken == DB_FROM_PREFIX_LIST:
        office = ec2.create_managed_prefix_list(
            PrefixListName="office", MaxEntries=5, AddressFamily="IPv4", Entries=[{"Cidr": "198.51.100.0/24"}]
        )["PrefixList"]["PrefixListId"]
        perm = {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306}
        perm["PrefixListIds"] = [{"PrefixListId": office, "Description": "office"}]
        ec2.authorize_security_group_ingress(GroupId=sg_db, IpPermissions=[perm])

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
        AutoMinorVersionUpgrade=False,  # pinned for the migration (rds-engine-version-pinned)
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
        EnableCloudwatchLogsExports=["audit", "error", "slowquery"],
    )
    services = _services(clients, broken, key, lb["DNSName"], lb["CanonicalHostedZoneId"])
    dev = _dev_link(ec2, broken, vpc, sg_db, private_tables, rt_pub)
    return _flat(
        {
            **services,
            **dev,
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


def _tls_only(bucket: str, *, objects: bool = True) -> str:
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, f"{arn}/*"] if objects else arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


def _bucket(s3: Any, name: str, region: str, broken: str, *, log_bucket: bool) -> None:
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    suspended = broken == VERSIONING_SUSPENDED and log_bucket
    s3.put_bucket_versioning(
        Bucket=name, VersioningConfiguration={"Status": "Suspended" if suspended else "Enabled"}
    )
    ownership = "ObjectWriter" if broken == ACLS_STILL_ON and log_bucket else "BucketOwnerEnforced"
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]}
    )
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    if not (broken == NO_PUBLIC_ACCESS_BLOCK and not log_bucket):
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    s3.put_bucket_policy(Bucket=name, Policy=_tls_only(name, objects=broken != TLS_DENY_BUCKET_ONLY))
    s3.put_bucket_lifecycle_configuration(
        Bucket=name,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "tiering",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                }
            ]
        },
    )


def _services(clients: AwsClients, broken: str, key: str, lb_dns: str, lb_zone: str) -> dict[str, Any]:
    """The log and replica buckets, the key's rotation, two alarms and the weighted records."""
    log, replica = "prod-logs-7f3a", "prod-logs-replica-7f3a"
    _bucket(clients.client("s3"), log, "us-east-1", broken, log_bucket=True)
    _bucket(clients.client("s3", "us-west-2"), replica, "us-west-2", broken, log_bucket=False)

    kms = clients.client("kms")
    if broken != KEY_NOT_ROTATED:
        kms.enable_key_rotation(KeyId=key)

    sns, cw = clients.client("sns"), clients.client("cloudwatch")
    topic = sns.create_topic(Name="prod-alarms")["TopicArn"]
    alarms = ["prod-fleet-cpu-high", "prod-rds-cpu-high"]
    for i, name in enumerate(alarms):
        cw.put_metric_alarm(
            AlarmName=name,
            MetricName="CPUUtilization",
            Namespace="AWS/EC2" if i == 0 else "AWS/RDS",
            Statistic="Average",
            Period=300,
            EvaluationPeriods=2,
            Threshold=80.0,
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="notBreaching",
            ActionsEnabled=not (broken == ALARM_ACTIONS_DISABLED and i == 1),
            AlarmActions=[topic],
            OKActions=[topic],
        )

    r53 = clients.client("route53")
    zone = r53.create_hosted_zone(Name="payments.example.com", CallerReference="tap-live-test")["HostedZone"][
        "Id"
    ].rsplit("/", 1)[-1]
    fqdn = "app.payments.example.com"
    green, blue = (0, 0) if broken == WEIGHTS_ALL_ZERO else (10, 90)
    r53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": fqdn,
                        "Type": "A",
                        "SetIdentifier": "green-production",
                        "Weight": green,
                        "AliasTarget": {
                            "HostedZoneId": lb_zone,
                            "DNSName": lb_dns,
                            "EvaluateTargetHealth": True,
                        },
                    },
                },
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": fqdn,
                        "Type": "A",
                        "SetIdentifier": "blue-development",
                        "Weight": blue,
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "203.0.113.10"}],
                    },
                },
            ]
        },
    )
    return {
        "log_bucket_name": log,
        "log_bucket_region": "us-east-1",
        "replica_bucket_name": replica,
        "replica_bucket_region": "us-west-2",
        "kms_key_id": key.rsplit("/", 1)[-1],
        "alarm_names": alarms,
        "hosted_zone_id": zone,
        "app_fqdn": fqdn,
    }


def _dev_link(
    ec2: Any, broken: str, vpc: str, sg_db: str, private_tables: list[str], rt_pub: str
) -> dict[str, Any]:
    """Dev's VPC (what dev has: a route table, an app and a DB group with AWS's default egress)
    and what the stack adds: the peering, routes both ways for the private subnets only, and
    the group-to-group MySQL rules (issue 10)."""
    dev_cidr = "10.20.0.0/16"
    dev_vpc = ec2.create_vpc(CidrBlock=dev_cidr)["Vpc"]["VpcId"]
    dev_rt = ec2.create_route_table(VpcId=dev_vpc)["RouteTable"]["RouteTableId"]
    dev_app = _group(ec2, dev_vpc, "dev-app", keep_default_egress=True)
    dev_db = _group(ec2, dev_vpc, "dev-db", keep_default_egress=True)
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=dev_vpc)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for rt in private_tables:
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock=dev_cidr, VpcPeeringConnectionId=pcx)
    for cidr in ("10.0.11.0/24", "10.0.12.0/24"):
        ec2.create_route(RouteTableId=dev_rt, DestinationCidrBlock=cidr, VpcPeeringConnectionId=pcx)
    if broken == DEV_ROUTES_WHOLE_VPC:
        ec2.create_route(RouteTableId=dev_rt, DestinationCidrBlock="10.0.0.0/16", VpcPeeringConnectionId=pcx)
        ec2.create_route(RouteTableId=rt_pub, DestinationCidrBlock=dev_cidr, VpcPeeringConnectionId=pcx)
    if broken != DEV_APP_NOT_ADMITTED:
        ec2.authorize_security_group_ingress(
            GroupId=sg_db, IpPermissions=_tcp(3306, group=dev_app, why="dev app")
        )
    ec2.authorize_security_group_ingress(GroupId=sg_db, IpPermissions=_tcp(3306, group=dev_db, why="dev DB"))
    ec2.authorize_security_group_egress(
        GroupId=sg_db, IpPermissions=_tcp(3306, group=dev_db, why="to dev DB")
    )
    ec2.authorize_security_group_ingress(GroupId=dev_db, IpPermissions=_tcp(3306, group=sg_db, why="prod DB"))
    return {
        "vpc_peering_connection_id": pcx,
        "dev_vpc_id": dev_vpc,
        "dev_vpc_cidr_block": dev_cidr,
        "dev_route_table_ids": [dev_rt],
        "dev_app_security_group_id": dev_app,
        "dev_db_security_group_id": dev_db,
    }
