"""A small hand-built stack (outputs as AnalyzeStack sees them) that passes every stack rule,
for breaking one relationship at a time."""

from __future__ import annotations

import json
from typing import Any

from tap import aws_types as t
from tap.phase_plan import Capacity, FleetSizes, plan_for
from tap.phases import Phase
from tap.policies.runner import StackResource
from tests.policy.examples import res

PHASE_NAME = "/tap/pay01/migration/phase"
LB_DNS = "prod-alb-pay01-123.us-east-1.elb.amazonaws.com"
LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod-alb/abc"
TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prod-tg-green/def"
ACL_ARN = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/prod-waf/acl-1"
WAF_LOGS_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-prod"
DB_ARN = "arn:aws:rds:us-east-1:123456789012:db:prod-rds"
VAULT_ARN = "arn:aws:backup:us-east-1:123456789012:backup-vault:prod-backup-vault"
REPLICA_VAULT_ARN = "arn:aws:backup:us-west-2:123456789012:backup-vault:prod-backup-vault-replica"
FLOW_LOGS_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/tap/flow"


def backup_resources(keep: float = 35.0) -> list[StackResource]:
    rule = {
        "ruleName": "daily",
        "targetVaultName": "prod-backup-vault",
        "schedule": "cron(0 5 ? * * *)",
        "lifecycle": {"deleteAfter": keep},
        "copyActions": [{"destinationVaultArn": REPLICA_VAULT_ARN, "lifecycle": {"deleteAfter": keep}}],
    }
    return [
        res(t.BACKUP_VAULT, "vault", id="prod-backup-vault", name="prod-backup-vault", arn=VAULT_ARN),
        res(
            t.BACKUP_VAULT,
            "vault-replica",
            id="prod-backup-vault-replica",
            name="prod-backup-vault-replica",
            arn=REPLICA_VAULT_ARN,
        ),
        *(
            res(
                t.BACKUP_VAULT_LOCK,
                f"{v}-lock",
                backupVaultName=v,
                minRetentionDays=7.0,
                maxRetentionDays=400.0,
            )
            for v in ("prod-backup-vault", "prod-backup-vault-replica")
        ),
        res(
            t.BACKUP_PLAN,
            "backup-plan",
            id="plan-1",
            arn="arn:aws:backup:us-east-1:123456789012:backup-plan:plan-1",
            rules=[rule],
        ),
        res(t.BACKUP_SELECTION, "backup-selection", planId="plan-1", resources=[DB_ARN]),
    ]


SIZES = FleetSizes(green_active=Capacity(min=2, max=4, desired=2), blue_standby_max=2)


GUARD_ARMED = {p.value: plan_for(p, SIZES).rollback_guard_armed for p in Phase}
GUARD_DOC = {
    "schemaVersion": "0.3",
    "mainSteps": [
        {
            "name": "RollbackWeights",
            "action": "aws:executeAwsApi",
            "inputs": {
                "Service": "route53",
                "Api": "ChangeResourceRecordSets",
                "ChangeBatch": {"Changes": [{"Action": "UPSERT"}, {"Action": "UPSERT"}]},
            },
        }
    ],
}


def guard_resources(doc: dict[str, Any] | None = None) -> list[StackResource]:
    """The rollback guard as the stack declares it where the phase arms it."""
    return [
        res(
            "aws:ssm/document:Document",
            "rollback-guard",
            documentType="Automation",
            content=json.dumps(doc or GUARD_DOC),
        ),
        res("aws:cloudwatch/eventRule:EventRule", "rollback-guard-rule", name="rollback-guard"),
    ]


def phase_doc(phase: str) -> str:
    return json.dumps({"phase": phase})


def good_stack(
    phase: str = "traffic-shift-10", green: float = 10.0, blue: float | None = 90.0
) -> list[StackResource]:
    rs: list[StackResource] = [
        res(t.SSM_PARAMETER, "phase", name=PHASE_NAME, insecureValue=phase_doc(phase), id=PHASE_NAME),
        res(t.VPC, "vpc", id="vpc-1", cidrBlock="10.0.0.0/16"),
        res(
            t.FLOW_LOG, "flow-log", id="fl-1", vpcId="vpc-1", trafficType="ALL", logDestination=FLOW_LOGS_ARN
        ),
        res(t.INTERNET_GATEWAY, "igw", id="igw-1"),
        res(t.SUBNET, "public-a", id="subnet-pub-a", cidrBlock="10.0.1.0/24"),
        res(t.SUBNET, "public-b", id="subnet-pub-b", cidrBlock="10.0.2.0/24"),
        res(t.SUBNET, "private-a", id="subnet-priv-a", cidrBlock="10.0.11.0/24"),
        res(t.SUBNET, "private-b", id="subnet-priv-b", cidrBlock="10.0.12.0/24"),
        res(t.ROUTE_TABLE, "public-rt", id="rtb-pub"),
        res(t.ROUTE_TABLE, "private-rt", id="rtb-priv"),
        res(
            t.ROUTE,
            "public-default",
            routeTableId="rtb-pub",
            destinationCidrBlock="0.0.0.0/0",
            gatewayId="igw-1",
        ),
        res(
            t.ROUTE,
            "private-default",
            routeTableId="rtb-priv",
            destinationCidrBlock="0.0.0.0/0",
            natGatewayId="nat-1",
        ),
        res(t.ROUTE_TABLE_ASSOCIATION, "rta-pub-a", subnetId="subnet-pub-a", routeTableId="rtb-pub"),
        res(t.ROUTE_TABLE_ASSOCIATION, "rta-pub-b", subnetId="subnet-pub-b", routeTableId="rtb-pub"),
        res(t.ROUTE_TABLE_ASSOCIATION, "rta-priv-a", subnetId="subnet-priv-a", routeTableId="rtb-priv"),
        res(t.ROUTE_TABLE_ASSOCIATION, "rta-priv-b", subnetId="subnet-priv-b", routeTableId="rtb-priv"),
        res(t.SECURITY_GROUP, "alb-sg", id="sg-alb"),
        res(t.SECURITY_GROUP, "app-sg", id="sg-app"),
        res(t.SECURITY_GROUP, "db-sg", id="sg-db"),
        res(
            t.INGRESS_RULE,
            "alb-in",
            securityGroupId="sg-alb",
            ipProtocol="tcp",
            fromPort=443.0,
            toPort=443.0,
            cidrIpv4="0.0.0.0/0",
            description="https",
        ),
        res(
            t.EGRESS_RULE,
            "app-to-db",
            securityGroupId="sg-app",
            ipProtocol="tcp",
            fromPort=3306.0,
            toPort=3306.0,
            referencedSecurityGroupId="sg-db",
            description="db",
        ),
        res(
            t.LOAD_BALANCER,
            "alb",
            id=LB_ARN,
            arn=LB_ARN,
            dnsName=LB_DNS,
            internal=False,
            loadBalancerType="application",
            subnets=["subnet-pub-a", "subnet-pub-b"],
            securityGroups=["sg-alb"],
            accessLogs={"bucket": "logs", "enabled": True, "prefix": "alb"},
        ),
        res(t.WEB_ACL_ASSOCIATION, "waf-assoc", resourceArn=LB_ARN, webAclArn="arn:aws:wafv2:acl"),
        res(t.TARGET_GROUP, "tg-green", id=TG_ARN, arn=TG_ARN, port=8080.0),
        res(
            t.LISTENER,
            "https",
            loadBalancerArn=LB_ARN,
            defaultActions=[
                {"type": "forward", "forward": {"targetGroups": [{"arn": TG_ARN, "weight": 100.0}]}}
            ],
        ),
        res(t.LAUNCH_TEMPLATE, "lt-green", id="lt-1", networkInterfaces=[{"securityGroups": ["sg-app"]}]),
        res(
            t.ASG,
            "asg-green",
            vpcZoneIdentifiers=["subnet-priv-a", "subnet-priv-b"],
            targetGroupArns=[TG_ARN],
            launchTemplate={"id": "lt-1", "version": "$Latest"},
            desiredCapacity=3.0,
            maxSize=9.0,
        ),
        res(
            t.RDS_SUBNET_GROUP,
            "db-subnets",
            id="prod-db-subnets",
            name="prod-db-subnets",
            subnetIds=["subnet-priv-a", "subnet-priv-b"],
        ),
        res(
            t.RDS_INSTANCE,
            "prod-rds",
            id="prod-rds",
            dbSubnetGroupName="prod-db-subnets",
            vpcSecurityGroupIds=["sg-db"],
            multiAz=True,
            optionGroupName="prod-mysql-audit",
            arn=DB_ARN,
        ),
        *backup_resources(),
        res(
            t.RDS_OPTION_GROUP,
            "mysql-audit",
            id="prod-mysql-audit",
            name="prod-mysql-audit",
            engineName="mysql",
            options=[
                {
                    "optionName": "MARIADB_AUDIT_PLUGIN",
                    "optionSettings": [
                        {"name": "SERVER_AUDIT_EVENTS", "value": "CONNECT,QUERY_DDL,QUERY_DCL"}
                    ],
                }
            ],
        ),
        res(t.WEB_ACL, "waf", id="acl-1", arn=ACL_ARN, name="prod-waf"),
        res(
            t.WAF_LOGGING,
            "waf-logging",
            resourceArn=ACL_ARN,
            logDestinationConfigs=[WAF_LOGS_ARN],
            redactedFields=[
                {"singleHeader": {"name": "authorization"}},
                {"singleHeader": {"name": "cookie"}},
            ],
        ),
        res(
            t.LOG_GROUP,
            "waf-logs",
            id="aws-waf-logs-prod",
            name="aws-waf-logs-prod",
            arn=WAF_LOGS_ARN,
            retentionInDays=365.0,
        ),
        res(
            t.LOG_GROUP,
            "flow-logs",
            id="/tap/flow",
            name="/tap/flow",
            arn=FLOW_LOGS_ARN,
            retentionInDays=365.0,
        ),
        res(
            t.LOG_GROUP,
            "rds-audit-logs",
            id="/aws/rds/instance/prod-rds/audit",
            name="/aws/rds/instance/prod-rds/audit",
            retentionInDays=365.0,
        ),
        res(
            t.LOG_GROUP,
            "rds-error-logs",
            id="/aws/rds/instance/prod-rds/error",
            name="/aws/rds/instance/prod-rds/error",
            retentionInDays=90.0,
        ),
        # dev's database, read with Instance.get: in no subnet group of this stack.
        res(t.RDS_INSTANCE, "dev-rds", id="dev-rds", dbSubnetGroupName="dev-subnets", multiAz=False),
    ]
    for name, arn in (
        ("logs", "arn:aws:s3:::logs"),
        ("replica", "arn:aws:s3:::replica"),
        ("access-logs", "arn:aws:s3:::access-logs"),
    ):
        rs += [
            res(t.S3_BUCKET, name, id=name, bucket=name, arn=arn),
            res(t.S3_PUBLIC_ACCESS_BLOCK, f"{name}-pab", bucket=name),
            res(t.S3_VERSIONING, f"{name}-ver", bucket=name),
            res(
                t.S3_SSE,
                f"{name}-sse",
                bucket=name,
                rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
            ),
            res(t.S3_POLICY, f"{name}-policy", bucket=name),
            res(t.S3_LIFECYCLE, f"{name}-lc", bucket=name),
            res(t.S3_OWNERSHIP, f"{name}-own", bucket=name),
        ]
    rs.append(
        res(
            t.S3_REPLICATION,
            "replication",
            bucket="logs",
            role="arn:aws:iam::123456789012:role/repl",
            rules=[{"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::replica"}}],
        )
    )
    rs.append(res(t.S3_LOGGING, "logs-access-logging", bucket="logs", targetBucket="access-logs"))
    green_record: dict[str, Any] = {
        "name": "app.payments.example.com",
        "type": "A",
        "setIdentifier": "green-production",
        "weightedRoutingPolicies": [{"weight": green}],
        "aliases": [{"name": LB_DNS, "zoneId": "Z1", "evaluateTargetHealth": True}],
    }
    rs.append(res(t.ROUTE53_RECORD, "green", **green_record))
    if blue is not None:
        rs.append(
            res(
                t.ROUTE53_RECORD,
                "blue",
                name="app.payments.example.com",
                type="A",
                setIdentifier="blue-development",
                weightedRoutingPolicies=[{"weight": blue}],
                ttl=60.0,
                records=["203.0.113.10"],
            )
        )
    if GUARD_ARMED.get(phase, False):
        rs += guard_resources()
    return rs


def without(rs: list[StackResource], name: str) -> list[StackResource]:
    out = [r for r in rs if r.name != name]
    assert len(out) == len(rs) - 1, name
    return out


def replaced(rs: list[StackResource], name: str, **props: Any) -> list[StackResource]:
    out = []
    for r in rs:
        if r.name == name:
            r = res(r.resource_type, r.name, **{**r.props, **props})
        out.append(r)
    return out
