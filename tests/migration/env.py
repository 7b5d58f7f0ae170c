"""A stand-in of the deployed stack, built through boto3 on the moto server: the resources the
controller reads and writes, under the output names the stack exports (issue 3/4 contract)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tap.aws_clients import AwsClients
from tap.components.migration_state import phase_document
from tap.migration.clock import ManualClock
from tap.phases import Phase, plan_for
from tap.settings import Settings

ZONE = "payments.example.com"
FQDN = f"app.{ZONE}"
DEV_ID, GREEN_ID = "blue-development", "green-production"
DEV_ALB_DNS = "payments-dev-alb-1234567890.us-east-1.elb.amazonaws.com"
PROD_DB = "prod-db-pay01.abcdefghij.us-east-1.rds.amazonaws.com"
DEV_DB = "payments-dev-mysql"
# One of the images moto ships (listing them costs a second per test).
MOTO_AMI = "ami-12c6146b"
ALARMS = ("prod-green-5xx-pay01", "prod-green-p99-pay01", "prod-green-unhealthy-pay01")


@dataclass
class StandIn:
    clients: AwsClients
    outputs: dict[str, str]
    settings: Settings
    clock: ManualClock
    pulumi_calls: list[tuple[str, Any]] = field(default_factory=list)
    dev_rrset: dict[str, Any] = field(default_factory=dict)
    """The dev record as created, so an update to an earlier phase can recreate it."""

    @property
    def route53(self) -> Any:
        return self.clients.client("route53")

    def weights(self) -> dict[str, int | None]:
        sets = self.route53.list_resource_record_sets(HostedZoneId=self.outputs["hosted_zone_id"])
        found: dict[str, int | None] = {"blue": None, "green": None}
        for s in sets["ResourceRecordSets"]:
            if s.get("SetIdentifier") == DEV_ID:
                found["blue"] = s["Weight"]
            if s.get("SetIdentifier") == GREEN_ID:
                found["green"] = s["Weight"]
        return found

    def deployed_phase(self) -> str:
        value = self.clients.client("ssm").get_parameter(Name=self.outputs["migration_phase_parameter_name"])
        return str(json.loads(value["Parameter"]["Value"])["phase"])

    def set_alarm(self, index: int, state: str) -> None:
        self.clients.client("cloudwatch").set_alarm_state(
            AlarmName=ALARMS[index], StateValue=state, StateReason="test"
        )

    def write_outputs(self, folder: Path) -> Path:
        path = folder / "flat-outputs.json"
        path.write_text(json.dumps(self.outputs))
        return path

    # -- what `pulumi up` does to the things the controller watches -------------------------
    def deploy_phase(self, phase: Phase) -> None:
        """The stack's effect of one update: the phase parameter and the two weights (the dev
        record disappears when the phase has none)."""
        plan = plan_for(phase, self.settings.fleet_sizes)
        self.clients.client("ssm").put_parameter(
            Name=self.outputs["migration_phase_parameter_name"],
            Value=phase_document(plan),
            Type="String",
            Overwrite=True,
        )
        sets = {
            s.get("SetIdentifier"): s
            for s in self.route53.list_resource_record_sets(HostedZoneId=self.outputs["hosted_zone_id"])[
                "ResourceRecordSets"
            ]
        }
        changes = []
        if DEV_ID not in sets and plan.dev_record:
            sets[DEV_ID] = self.dev_rrset
        for ident, weight in ((DEV_ID, plan.weights.blue), (GREEN_ID, plan.weights.green)):
            if ident not in sets:
                continue
            rrset = dict(sets[ident])
            if ident == DEV_ID and not plan.dev_record:
                changes.append({"Action": "DELETE", "ResourceRecordSet": rrset})
                continue
            rrset["Weight"] = weight
            changes.append({"Action": "UPSERT", "ResourceRecordSet": rrset})
        self.route53.change_resource_record_sets(
            HostedZoneId=self.outputs["hosted_zone_id"], ChangeBatch={"Changes": changes}
        )

    # -- metrics ------------------------------------------------------------------------------
    def feed_metrics(
        self,
        minutes: int,
        *,
        start_minute: int = -10,
        requests: float = 1000,
        errors: float = 0,
        latency: float = 0.2,
        unhealthy: float = 0,
        dev_connections: float = 0,
        alb: bool = True,
    ) -> None:
        """One datapoint per minute for the green target group and the dev database, from
        `start_minute` to `minutes` after the clock's start (put ahead of time: moto accepts it)."""
        cw = self.clients.client("cloudwatch")
        dims = [
            {"Name": "TargetGroup", "Value": self.outputs["target_group_green_arn_suffix"]},
            {"Name": "LoadBalancer", "Value": self.outputs["alb_arn_suffix"]},
        ]
        data: list[dict[str, Any]] = []
        for m in range(start_minute, minutes if alb else start_minute):
            t = self.clock.start + timedelta(minutes=m, seconds=30)
            data += [
                {"MetricName": "RequestCount", "Dimensions": dims, "Timestamp": t, "Value": requests},
                {"MetricName": "TargetResponseTime", "Dimensions": dims, "Timestamp": t, "Value": latency},
                {"MetricName": "UnHealthyHostCount", "Dimensions": dims, "Timestamp": t, "Value": unhealthy},
            ]
            if errors:
                data.append(
                    {
                        "MetricName": "HTTPCode_Target_5XX_Count",
                        "Dimensions": dims,
                        "Timestamp": t,
                        "Value": errors,
                    }
                )
        for i in range(0, len(data), 500):
            cw.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=data[i : i + 500])
        rds = [
            {
                "MetricName": "DatabaseConnections",
                "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": DEV_DB}],
                "Timestamp": self.clock.start + timedelta(minutes=m, seconds=30),
                "Value": dev_connections,
            }
            for m in range(start_minute, minutes)
        ]
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=rds)


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
    record_sets = {
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
    ssm.put_parameter(Name="/tap/pay01/db/endpoint", Value=PROD_DB, Type="String")
    table = create_state_table(clients, "prod-migration-state-pay01")
    alb_suffix = alb["LoadBalancerArn"].split(":loadbalancer/", 1)[1]
    outputs = {
        "migration_state_table_name": table,
        "migration_phase_parameter_name": "/tap/pay01/migration/phase",
        "migration_phase": phase.value,
        "db_endpoint_parameter_name": "/tap/pay01/db/endpoint",
        "db_instance_address": PROD_DB,
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
