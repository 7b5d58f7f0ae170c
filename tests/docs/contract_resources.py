"""Traffic-tier resources shaped exactly as the lead's contract (issue 4) describes them,
added to a real offline plan. Diagram and cost tests use them to prove the relationships they
draw and count (listener -> target groups -> ASGs, records -> ALB) without waiting for the
traffic tier to land; once it has, the same assertions also run on the real plan."""

from __future__ import annotations

import dataclasses

from tap.offline.plan import Plan, PlannedResource

ACCOUNT = "123456789012"


def _res(
    typ: str, name: str, rid: str, inputs: dict[str, object], outputs: dict[str, object]
) -> PlannedResource:
    return PlannedResource(
        urn=f"urn:pulumi:test::tap::{typ}::{name}",
        type=typ,
        name=name,
        id=rid,
        inputs=inputs,
        outputs={**inputs, **outputs},
        parent="",
        custom=True,
        provider="",
        protect=False,
        read=False,
        retain_on_delete=False,
        dependencies=(),
    )


def with_traffic_tier(plan: Plan, green_weight: int = 10) -> Plan:
    """`plan` plus an ALB, listener, two target groups, two ASGs with launch templates, a zone,
    two weighted records, two health checks, a WAF ACL, three alarms and a dashboard."""
    private = [
        r.id for r in plan.of_type("aws:ec2/subnet:Subnet") if (r.get("tags") or {}).get("Tier") == "private"
    ]
    public = [
        r.id for r in plan.of_type("aws:ec2/subnet:Subnet") if (r.get("tags") or {}).get("Tier") == "public"
    ]
    arn = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}"
    alb_dns = "prod-alb-pay01-1.us-east-1.elb.amazonaws.com"
    alb = _res(
        "aws:lb/loadBalancer:LoadBalancer",
        "prod-alb-pay01",
        f"{arn}:loadbalancer/app/prod-alb-pay01/1",
        {"internal": False, "loadBalancerType": "application", "subnets": public},
        {"arn": f"{arn}:loadbalancer/app/prod-alb-pay01/1", "dnsName": alb_dns, "name": "prod-alb-pay01"},
    )
    tgs = {
        c: _res(
            "aws:lb/targetGroup:TargetGroup",
            f"prod-tg-{c}-pay01",
            f"{arn}:targetgroup/prod-tg-{c}/{c}",
            {"port": 8080.0, "protocol": "HTTP"},
            {"arn": f"{arn}:targetgroup/prod-tg-{c}/{c}", "name": f"prod-tg-{c}-pay01"},
        )
        for c in ("blue", "green")
    }
    listener = _res(
        "aws:lb/listener:Listener",
        "prod-https-pay01",
        f"{arn}:listener/1",
        {
            "loadBalancerArn": alb.id,
            "port": 443.0,
            "protocol": "HTTPS",
            "defaultActions": [
                {
                    "type": "forward",
                    "forward": {
                        "targetGroups": [
                            {"arn": tgs["green"].id, "weight": 100.0},
                            {"arn": tgs["blue"].id, "weight": 0.0},
                        ]
                    },
                }
            ],
        },
        {},
    )
    lts = {
        c: _res(
            "aws:ec2/launchTemplate:LaunchTemplate",
            f"prod-lt-{c}-pay01",
            f"lt-0{c}",
            {
                "instanceType": t,
                "monitoring": {"enabled": True},
                "blockDeviceMappings": [
                    {"ebs": {"volumeSize": 20.0, "volumeType": "gp3", "encrypted": "true"}}
                ],
            },
            {},
        )
        for c, t in (("blue", "t3.micro"), ("green", "m5.large"))
    }
    asgs = [
        _res(
            "aws:autoscaling/group:Group",
            f"prod-asg-{c}-pay01",
            f"prod-asg-{c}-pay01",
            {
                "vpcZoneIdentifiers": private,
                "launchTemplate": {"id": lts[c].id, "version": "$Latest"},
                "targetGroupArns": [tgs[c].id],
                "minSize": float(lo),
                "maxSize": float(hi),
                "desiredCapacity": float(d),
            },
            {"name": f"prod-asg-{c}-pay01"},
        )
        for c, lo, hi, d in (("blue", 0, 3, 0), ("green", 3, 9, 3))
    ]
    zone = _res(
        "aws:route53/zone:Zone", "prod-zone-pay01", "Z0TESTZONE", {"name": "payments.example.com"}, {}
    )
    checks = [
        _res(
            "aws:route53/healthCheck:HealthCheck",
            f"prod-hc-{c}-pay01",
            f"hc-{c}",
            {"type": "HTTPS", "resourcePath": "/health"},
            {},
        )
        for c in ("dev", "green")
    ]
    records = [
        _res(
            "aws:route53/record:Record",
            "prod-app-green-pay01",
            "green",
            {
                "zoneId": zone.id,
                "name": "app.payments.example.com",
                "type": "A",
                "setIdentifier": "green-production",
                "weightedRoutingPolicies": [{"weight": float(green_weight)}],
                "aliases": [{"name": alb_dns, "zoneId": "Z35SXDOTRQ7X7K", "evaluateTargetHealth": True}],
            },
            {},
        ),
        _res(
            "aws:route53/record:Record",
            "prod-app-dev-pay01",
            "dev",
            {
                "zoneId": zone.id,
                "name": "app.payments.example.com",
                "type": "A",
                "setIdentifier": "blue-development",
                "weightedRoutingPolicies": [{"weight": float(100 - green_weight)}],
                "aliases": [
                    {
                        "name": "payments-dev-alb-1.us-east-1.elb.amazonaws.com",
                        "zoneId": "Z35SXDOTRQ7X7K",
                        "evaluateTargetHealth": True,
                    }
                ],
            },
            {},
        ),
    ]
    acl = _res(
        "aws:wafv2/webAcl:WebAcl",
        "prod-waf-pay01",
        "waf-1",
        {"rules": [{}, {}, {}, {}, {}]},
        {"arn": f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/prod-waf/1"},
    )
    waf_assoc = _res(
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "prod-waf-assoc-pay01",
        "assoc",
        {"resourceArn": alb.id, "webAclArn": acl.outputs["arn"]},
        {},
    )
    alarms = [
        _res(
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "prod-green-5xx-pay01",
            "a1",
            {
                "metricQueries": [
                    {"id": "e1", "expression": "100*m2/m1"},
                    {"id": "m1", "metric": {}},
                    {"id": "m2", "metric": {}},
                ]
            },
            {},
        )
    ]
    alarms += [
        _res("aws:cloudwatch/metricAlarm:MetricAlarm", f"prod-alarm-{i}-pay01", f"a{i}", {}, {})
        for i in (2, 3)
    ]
    dashboard = _res("aws:cloudwatch/dashboard:Dashboard", "prod-dashboard-pay01", "dash", {}, {})
    extra = [
        alb,
        *tgs.values(),
        listener,
        *lts.values(),
        *asgs,
        zone,
        *checks,
        *records,
        acl,
        waf_assoc,
        *alarms,
        dashboard,
    ]
    return dataclasses.replace(plan, resources=plan.resources + tuple(extra))
