"""Fakes of launch templates, Auto Scaling groups and policies, load balancers, target groups
and listeners."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.offline.fakes.context import Fake, FakeContext, uuid
from tap.registrar import registrar

FAKES: dict[str, Fake] = {}
fake = registrar(FAKES)


# Canonical hosted zone ids of ALBs by region (what alias records point at).
ALB_ZONE_IDS = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-central-1": "Z215JYRZR1TBD5",
}


@fake(t.LAUNCH_TEMPLATE)
def _launch_template(c: FakeContext) -> tuple[str, dict[str, Any]]:
    rid = f"lt-0{c.h(16)}"
    return rid, {"arn": c.arn("ec2", f"launch-template/{rid}"), "latestVersion": 1, "defaultVersion": 1}


@fake(t.ASG)
def _asg(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    return name, {
        "name": name,
        "arn": c.arn("autoscaling", f"autoScalingGroup:{uuid(c)}:autoScalingGroupName/{name}"),
    }


@fake(t.AUTOSCALING_POLICY)
def _scaling_policy(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name()
    group = c.inputs.get("autoscalingGroupName", "")
    return name, {
        "name": name,
        "arn": c.arn(
            "autoscaling", f"scalingPolicy:{uuid(c)}:autoScalingGroupName/{group}:policyName/{name}"
        ),
    }


@fake(t.LOAD_BALANCER)
def _alb(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=32)
    suffix = f"app/{name}/{c.h(16)}"
    prefix = "internal-" if c.inputs.get("internal") else ""
    arn = c.arn("elasticloadbalancing", f"loadbalancer/{suffix}")
    return arn, {
        "arn": arn,
        "arnSuffix": suffix,
        "name": name,
        "dnsName": f"{prefix}{name}-{int(c.h(8), 16) % 10**10}.{c.region}.elb.amazonaws.com",
        "zoneId": ALB_ZONE_IDS.get(c.region, "Z35SXDOTRQ7X7K"),
        "vpcId": "",
        "ipAddressType": "ipv4",
    }


@fake(t.TARGET_GROUP)
def _target_group(c: FakeContext) -> tuple[str, dict[str, Any]]:
    name = c.physical_name(max_len=32)
    suffix = f"targetgroup/{name}/{c.h(16)}"
    arn = c.arn("elasticloadbalancing", suffix)
    return arn, {"arn": arn, "arnSuffix": suffix, "name": name}


@fake(t.LISTENER)
def _listener(c: FakeContext) -> tuple[str, dict[str, Any]]:
    alb = str(c.inputs.get("loadBalancerArn", ""))
    arn = alb.replace(":loadbalancer/", ":listener/") + f"/{c.h(16)}"
    return arn, {"arn": arn}
