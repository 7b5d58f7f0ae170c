"""The one seeder that builds a deployment in the AWS API emulator: through boto3, on a moto
server, the resources the migration controller reads and writes, under the output names the
stack exports. `tap rehearse` and the controller tests (tests/migration) both use it.

It is a stand-in, not the stack: names follow the example settings (suffix pay01), and "pulumi
up" is stood in for by `StandIn.deploy_phase`, which sets what an update sets for the controller
(the phase parameter and the two weighted records).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from tap.aws_clients import AwsClients
from tap.components.migration_state import phase_document
from tap.emulator.stand_in import (
    ALARMS,
    DEV_ALB_DNS,
    DEV_DB,
    DEV_ID,
    FQDN,
    GREEN_ID,
    MOTO_AMI,
    PROD_DB,
    WRITER_FQDN,
    WRITER_ZONE,
    ZONE,
    StandIn,
)
from tap.migration.clock import ManualClock
from tap.phases import Phase, plan_for
from tap.settings import Settings

if TYPE_CHECKING:
    from types_boto3_route53.type_defs import ResourceRecordSetTypeDef


def create_state_table(clients: AwsClients, name: str) -> str:
    """The table as the stack declares it: hash `pk` (S), range `sk` (S), on demand."""
    clients.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def build_stand_in(clients: AwsClients, settings: Settings, clock: ManualClock, phase: Phase) -> StandIn:
    ec2 = clients.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "a"), (2, "b"))
    ]
    elb = clients.client("elbv2")
    alb = elb.create_load_balancer(Name="prod-alb-pay01", Subnets=subnets, Type="application")[
        "LoadBalancers"
    ][0]
    tgs = {
        color: elb.create_target_group(
            Name=f"prod-tg-{color}-pay01", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="instance"
        )["TargetGroups"][0]
        for color in ("blue", "green")
    }
    cert = clients.client("acm").request_certificate(DomainName=FQDN, ValidationMethod="DNS")[
        "CertificateArn"
    ]
    listener = elb.create_listener(
        LoadBalancerArn=alb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": cert}],
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        DefaultActions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": tgs["blue"]["TargetGroupArn"], "Weight": 0},
                        {"TargetGroupArn": tgs["green"]["TargetGroupArn"], "Weight": 100},
                    ]
                },
            }
        ],
    )["Listeners"][0]
    template = ec2.create_launch_template(
        LaunchTemplateName="prod-lt-green-pay01",
        LaunchTemplateData={"ImageId": MOTO_AMI, "InstanceType": "m5.large"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    desired = settings.compute.green_desired_capacity
    clients.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="prod-asg-green-pay01",
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=settings.compute.green_min_size,
        MaxSize=settings.compute.green_max_size,
        DesiredCapacity=desired,
        VPCZoneIdentifier=",".join(subnets),
        TargetGroupARNs=[tgs["green"]["TargetGroupArn"]],
    )

    r53 = clients.client("route53")
    zone = r53.create_hosted_zone(Name=ZONE, CallerReference=f"tap-{clock.elapsed}")["HostedZone"]["Id"]
    zone_id = zone.rsplit("/", 1)[-1]
    health = {}
    for ident, host in ((DEV_ID, DEV_ALB_DNS), (GREEN_ID, alb["DNSName"])):
        health[ident] = r53.create_health_check(
            CallerReference=f"hc-{ident}",
            HealthCheckConfig={
                "Type": "HTTPS",
                "FullyQualifiedDomainName": host,
                "Port": 443,
                "ResourcePath": "/health",
            },
        )["HealthCheck"]["Id"]
    plan = plan_for(phase, settings.fleet_sizes)
    records = [
        (DEV_ID, plan.weights.blue, DEV_ALB_DNS, "Z35SXDOTRQ7X7K"),
        (GREEN_ID, plan.weights.green, alb["DNSName"], alb["CanonicalHostedZoneId"]),
    ]
    record_sets: dict[str, ResourceRecordSetTypeDef] = {
        ident: {
            "Name": FQDN,
            "Type": "A",
            "SetIdentifier": ident,
            "Weight": weight,
            "HealthCheckId": health[ident],
            "AliasTarget": {"DNSName": target, "HostedZoneId": tz, "EvaluateTargetHealth": True},
        }
        for ident, weight, target, tz in records
    }
    r53.change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [{"Action": "CREATE", "ResourceRecordSet": rrset} for rrset in record_sets.values()]
        },
    )

    topic = clients.client("sns").create_topic(Name="prod-alarms-pay01")["TopicArn"]
    cw = clients.client("cloudwatch")
    for name, metric in zip(
        ALARMS, ("HTTPCode_Target_5XX_Count", "TargetResponseTime", "UnHealthyHostCount"), strict=True
    ):
        cw.put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/ApplicationELB",
            MetricName=metric,
            Statistic="Maximum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[topic],
        )
    ssm = clients.client("ssm")
    ssm.put_parameter(Name="/tap/pay01/migration/phase", Value=phase_document(plan), Type="String")
    # Both fleets connect through the writer name; the stand-in is past `tap db cutover`, so the
    # writer record (owned by tap db after creation) names production.
    writer_zone = r53.create_hosted_zone(Name=WRITER_ZONE, CallerReference="writer-zone")["HostedZone"]["Id"]
    r53.change_resource_record_sets(
        HostedZoneId=writer_zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": WRITER_FQDN,
                        "Type": "CNAME",
                        "TTL": 5,
                        "ResourceRecords": [{"Value": PROD_DB}],
                    },
                }
            ]
        },
    )
    ssm.put_parameter(Name="/tap/pay01/db/endpoint", Value=WRITER_FQDN, Type="String")
    table = create_state_table(clients, "prod-migration-state-pay01")
    alb_suffix = alb["LoadBalancerArn"].split(":loadbalancer/", 1)[1]
    outputs = {
        "migration_state_table_name": table,
        "migration_phase_parameter_name": "/tap/pay01/migration/phase",
        "migration_phase": phase.value,
        "db_endpoint_parameter_name": "/tap/pay01/db/endpoint",
        "db_instance_address": PROD_DB,
        "writer_zone_id": writer_zone.rsplit("/", 1)[-1],
        "writer_record_fqdn": WRITER_FQDN,
        "dev_db_instance_identifier": DEV_DB,
        "hosted_zone_id": zone_id,
        "app_fqdn": FQDN,
        "dev_record_set_identifier": DEV_ID,
        "green_record_set_identifier": GREEN_ID,
        "dev_health_check_id": health[DEV_ID],
        "green_health_check_id": health[GREEN_ID],
        "alb_arn": alb["LoadBalancerArn"],
        "alb_arn_suffix": alb_suffix,
        "https_listener_arn": listener["ListenerArn"],
        "target_group_blue_arn": tgs["blue"]["TargetGroupArn"],
        "target_group_green_arn": tgs["green"]["TargetGroupArn"],
        "target_group_green_arn_suffix": tgs["green"]["TargetGroupArn"].split(":", 5)[5],
        "green_asg_name": "prod-asg-green-pay01",
        "alarm_topic_arn": topic,
        "alarm_names": json.dumps(list(ALARMS)),
        "traffic_weight_blue": json.dumps(plan.weights.blue),
        "traffic_weight_green": json.dumps(plan.weights.green),
        # What the stack exports so that a rollback needs no list call (outputs.py).
        "weighted_record_sets": json.dumps(
            {ident: {k: v for k, v in rrset.items() if k != "Weight"} for ident, rrset in record_sets.items()}
        ),
    }
    env = StandIn(clients, outputs, settings, clock)
    env.dev_rrset = next(
        s
        for s in r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
        if s.get("SetIdentifier") == DEV_ID
    )
    return env


def at_minutes(clock: ManualClock, when: datetime) -> float:
    return (when - clock.start).total_seconds() / 60
