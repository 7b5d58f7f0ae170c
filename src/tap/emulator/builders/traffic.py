"""The path of a request: certificate, target groups, load balancer (with its attributes),
HTTPS listener with weighted forwarding, and the two fleets (launch templates, groups)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap import aws_types as t
from tap.emulator.registry import MOTO_AMI, SeedContext, builds
from tap.offline.plan import PlannedResource
from tap.values import flag, integer

if TYPE_CHECKING:
    from types_boto3_ec2.type_defs import RequestLaunchTemplateDataTypeDef
    from types_boto3_elbv2.type_defs import (
        ActionTypeDef,
        LoadBalancerAttributeTypeDef,
        TargetGroupTupleTypeDef,
    )


def arn_suffix(arn: str, marker: str) -> str:
    """`app/name/id` or `targetgroup/name/id`: the CloudWatch dimension form of an ELB ARN."""
    return arn.split(f":{marker}/", 1)[1] if f":{marker}/" in arn else arn


@builds(t.ACM_CERTIFICATE)
def certificate(ctx: SeedContext, r: PlannedResource) -> None:
    got = ctx.clients.client("acm").request_certificate(
        DomainName=r.get("domainName"), ValidationMethod="DNS"
    )
    ctx.sub.add(r.id, got["CertificateArn"])


@builds(t.TARGET_GROUP)
def target_group(ctx: SeedContext, r: PlannedResource) -> None:
    hc = r.get("healthCheck") or {}
    got = ctx.clients.client("elbv2").create_target_group(
        Name=r.get("name"),
        Protocol=r.get("protocol"),
        Port=integer(r.get("port")),
        VpcId=ctx.sub.value(r.get("vpcId")),
        TargetType=r.get("targetType") or "instance",
        HealthCheckProtocol=hc.get("protocol", "HTTP"),
        HealthCheckPath=hc.get("path", "/"),
        HealthCheckIntervalSeconds=integer(hc.get("interval", 30)),
        HealthCheckTimeoutSeconds=integer(hc.get("timeout", 5)),
        HealthyThresholdCount=integer(hc.get("healthyThreshold", 2)),
        UnhealthyThresholdCount=integer(hc.get("unhealthyThreshold", 2)),
        Matcher={"HttpCode": hc.get("matcher", "200")},
    )["TargetGroups"][0]
    arn = got["TargetGroupArn"]
    ctx.sub.add(r.id, arn)
    ctx.sub.add(arn_suffix(r.id, "targetgroup"), "targetgroup/" + arn_suffix(arn, "targetgroup"))


def _lb_attributes(r: PlannedResource) -> list[LoadBalancerAttributeTypeDef]:
    logs = r.get("accessLogs") or {}
    attrs = {
        "routing.http.drop_invalid_header_fields.enabled": r.get("dropInvalidHeaderFields"),
        "access_logs.s3.enabled": logs.get("enabled"),
        "access_logs.s3.bucket": logs.get("bucket"),
        "access_logs.s3.prefix": logs.get("prefix"),
    }
    return [
        {"Key": k, "Value": str(v).lower() if isinstance(v, bool) else str(v)}
        for k, v in attrs.items()
        if v is not None
    ]


@builds(t.LOAD_BALANCER)
def load_balancer(ctx: SeedContext, r: PlannedResource) -> None:
    elb, s = ctx.clients.client("elbv2"), ctx.sub
    got = elb.create_load_balancer(
        Name=r.get("name"),
        Subnets=s.value(r.get("subnets")),
        SecurityGroups=s.value(r.get("securityGroups") or []),
        Scheme="internal" if r.get("internal") else "internet-facing",
        Type="application",
    )["LoadBalancers"][0]
    s.add(r.id, got["LoadBalancerArn"])
    s.add(arn_suffix(r.id, "loadbalancer"), arn_suffix(got["LoadBalancerArn"], "loadbalancer"))
    s.add(r.outputs.get("dnsName"), got["DNSName"])
    s.add(r.outputs.get("zoneId"), got["CanonicalHostedZoneId"])
    if _lb_attributes(r):
        elb.modify_load_balancer_attributes(
            LoadBalancerArn=got["LoadBalancerArn"], Attributes=_lb_attributes(r)
        )


@builds(t.LISTENER)
def listener(ctx: SeedContext, r: PlannedResource) -> None:
    s = ctx.sub
    actions: list[ActionTypeDef] = []
    for a in r.get("defaultActions") or []:
        groups: list[TargetGroupTupleTypeDef] = [
            {"TargetGroupArn": s.value(g["arn"]), "Weight": integer(g.get("weight", 1))}
            for g in (a.get("forward") or {}).get("targetGroups", [])
        ]
        actions.append({"Type": "forward", "ForwardConfig": {"TargetGroups": groups}})
    got = ctx.clients.client("elbv2").create_listener(
        LoadBalancerArn=s.value(r.get("loadBalancerArn")),
        Protocol=r.get("protocol"),
        Port=integer(r.get("port")),
        SslPolicy=r.get("sslPolicy"),
        Certificates=[{"CertificateArn": s.value(r.get("certificateArn"))}],
        DefaultActions=actions,
    )["Listeners"][0]
    s.add(r.id, got["ListenerArn"])


def _launch_data(ctx: SeedContext, r: PlannedResource) -> RequestLaunchTemplateDataTypeDef:
    meta = r.get("metadataOptions") or {}
    data: RequestLaunchTemplateDataTypeDef = {
        "ImageId": MOTO_AMI,
        "InstanceType": r.get("instanceType"),
        "IamInstanceProfile": {"Arn": ctx.sub.value((r.get("iamInstanceProfile") or {}).get("arn"))},
        "MetadataOptions": {
            "HttpTokens": meta.get("httpTokens", "optional"),
            "HttpPutResponseHopLimit": integer(meta.get("httpPutResponseHopLimit", 1)),
            "HttpEndpoint": meta.get("httpEndpoint", "enabled"),
        },
        "BlockDeviceMappings": [
            {
                "DeviceName": m.get("deviceName"),
                "Ebs": {
                    "Encrypted": bool(flag((m.get("ebs") or {}).get("encrypted"))),
                    "KmsKeyId": ctx.sub.text(str((m.get("ebs") or {}).get("kmsKeyId") or "")),
                    "VolumeType": (m.get("ebs") or {}).get("volumeType", "gp3"),
                    "VolumeSize": integer((m.get("ebs") or {}).get("volumeSize", 20)),
                },
            }
            for m in r.get("blockDeviceMappings") or []
        ],
        "NetworkInterfaces": [
            {
                "DeviceIndex": integer(n.get("deviceIndex", 0)),
                "Groups": ctx.sub.value(n.get("securityGroups") or []),
                "AssociatePublicIpAddress": bool(flag(n.get("associatePublicIpAddress"))),
            }
            for n in r.get("networkInterfaces") or []
        ],
    }
    if r.get("userData"):
        data["UserData"] = r.get("userData")
    return data


@builds(t.LAUNCH_TEMPLATE)
def launch_template(ctx: SeedContext, r: PlannedResource) -> None:
    # moto ships its own AMI catalogue; the plan's AMI id (resolved from SSM) is not in it.
    ctx.sub.add(r.get("imageId"), MOTO_AMI)
    got = ctx.clients.client("ec2").create_launch_template(
        LaunchTemplateName=r.outputs.get("name") or r.get("name"), LaunchTemplateData=_launch_data(ctx, r)
    )["LaunchTemplate"]
    ctx.sub.add(r.id, got["LaunchTemplateId"])


@builds(t.ASG)
def auto_scaling_group(ctx: SeedContext, r: PlannedResource) -> None:
    s = ctx.sub
    ctx.clients.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=r.get("name"),
        LaunchTemplate={
            "LaunchTemplateId": s.value((r.get("launchTemplate") or {}).get("id")),
            "Version": "$Latest",
        },
        MinSize=integer(r.get("minSize")),
        MaxSize=integer(r.get("maxSize")),
        DesiredCapacity=integer(r.get("desiredCapacity")),
        VPCZoneIdentifier=",".join(s.value(r.get("vpcZoneIdentifiers"))),
        TargetGroupARNs=s.value(r.get("targetGroupArns") or []),
        HealthCheckType=r.get("healthCheckType") or "ELB",
        HealthCheckGracePeriod=integer(r.get("healthCheckGracePeriod") or 300),
    )
