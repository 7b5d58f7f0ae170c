"""Compliant example props for every resource type a rule reads, and helpers to run one rule
the way the pack and `tap verify` do (through a fake `report_violation`)."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Mapping
from typing import Any, TypedDict

from tap import aws_types as t
from tap.policies.registry import rule_named
from tap.policies.rules import ResourceRule, StackRule
from tap.policies.runner import ResourceArgs, StackArgs, StackResource
from tests.policy.compliance_examples import COMPLIANT as COMPLIANCE_EXAMPLES

SUBJECT = "subject-res"
ACCOUNT = "123456789012"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"

USER_DATA = """#!/bin/bash
set -euo pipefail
TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
DB_HOST=$(aws ssm get-parameter --name /tap/pay01/db/endpoint --query Parameter.Value --output text)
export DB_HOST
"""


class PolicyDocument(TypedDict):
    """An IAM, bucket or key policy as JSON: statements are free-form (Principal, Condition...)."""

    Version: str
    Statement: list[dict[str, Any]]


TLS_ONLY_POLICY: PolicyDocument = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}

APP_POLICY: PolicyDocument = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadLogs",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
        },
        {
            "Sid": "Metrics",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": "Tap/Payments"}},
        },
    ],
}

KEY_POLICY: PolicyDocument = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Root",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        },
    ],
}

TRUST: PolicyDocument = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _waf_rule(name: str, priority: float, statement: dict[str, Any], **action: Any) -> dict[str, Any]:
    return {
        "name": name,
        "priority": priority,
        "statement": statement,
        "visibilityConfig": {
            "metricName": name,
            "cloudwatchMetricsEnabled": True,
            "sampledRequestsEnabled": True,
        },
        **action,
    }


MANAGED_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)

COMPLIANT: dict[str, dict[str, Any]] = {
    t.INGRESS_RULE: {
        "securityGroupId": "sg-alb",
        "ipProtocol": "tcp",
        "fromPort": 443.0,
        "toPort": 443.0,
        "cidrIpv4": "0.0.0.0/0",
        "description": "HTTPS from the internet",
    },
    t.EGRESS_RULE: {
        "securityGroupId": "sg-app",
        "ipProtocol": "tcp",
        "fromPort": 3306.0,
        "toPort": 3306.0,
        "referencedSecurityGroupId": "sg-db",
        "description": "App to MySQL",
    },
    t.LEGACY_SG_RULE: {
        "type": "ingress",
        "securityGroupId": "sg-db",
        "protocol": "tcp",
        "fromPort": 3306.0,
        "toPort": 3306.0,
        "sourceSecurityGroupId": "sg-app",
        "description": "MySQL from the app",
    },
    t.SECURITY_GROUP: {"name": "prod-app-sg", "description": "app", "vpcId": "vpc-1"},
    t.DEFAULT_SECURITY_GROUP: {"vpcId": "vpc-1"},
    t.SUBNET: {"vpcId": "vpc-1", "cidrBlock": "10.0.11.0/24", "mapPublicIpOnLaunch": False},
    t.LAUNCH_TEMPLATE: {
        "imageId": "ami-0abcdef1234567890",
        "metadataOptions": {
            "httpTokens": "required",
            "httpPutResponseHopLimit": 1.0,
            "httpEndpoint": "enabled",
        },
        "blockDeviceMappings": [
            {
                "deviceName": "/dev/xvda",
                "ebs": {"encrypted": "true", "kmsKeyId": KEY_ARN, "volumeType": "gp3"},
            }
        ],
        "networkInterfaces": [{"securityGroups": ["sg-app"], "associatePublicIpAddress": "false"}],
        "userData": base64.b64encode(USER_DATA.encode()).decode(),
    },
    t.INSTANCE: {
        "ami": "ami-0abcdef1234567890",
        "userData": USER_DATA,
        "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1.0},
        "rootBlockDevice": {"encrypted": True, "kmsKeyId": KEY_ARN, "volumeType": "gp3"},
        "associatePublicIpAddress": False,
    },
    t.RDS_INSTANCE: {
        "identifier": "prod-rds",
        "engineVersion": "8.0.39",
        "autoMinorVersionUpgrade": False,
        "applyImmediately": True,
        "storageEncrypted": True,
        "kmsKeyId": KEY_ARN,
        "publiclyAccessible": False,
        "multiAz": True,
        "backupRetentionPeriod": 7.0,
        "deletionProtection": True,
        "finalSnapshotIdentifier": "prod-rds-final",
        "iamDatabaseAuthenticationEnabled": True,
        "performanceInsightsEnabled": True,
        "performanceInsightsKmsKeyId": KEY_ARN,
        "enabledCloudwatchLogsExports": ["audit", "error", "slowquery"],
        "optionGroupName": "prod-mysql-audit",
        "parameterGroupName": "prod-mysql80",
        "dbSubnetGroupName": "prod-db-subnets",
        "vpcSecurityGroupIds": ["sg-db"],
        "manageMasterUserPassword": True,
        "masterUserSecretKmsKeyId": KEY_ARN,
    },
    t.RDS_PARAMETER_GROUP: {
        "family": "mysql8.0",
        "parameters": [
            {"name": "require_secure_transport", "value": "1", "applyMethod": "immediate"},
            {"name": "replicate-ignore-db", "value": "mysql", "applyMethod": "immediate"},
        ],
    },
    t.RDS_SNAPSHOT_COPY: {"sourceDbSnapshotIdentifier": "dev-final", "kmsKeyId": KEY_ARN},
    t.S3_BUCKET: {"bucket": "logs"},
    t.S3_ACL: {"bucket": "logs", "acl": "private"},
    t.S3_OWNERSHIP: {"bucket": "logs", "rule": {"objectOwnership": "BucketOwnerEnforced"}},
    t.S3_PUBLIC_ACCESS_BLOCK: {
        "bucket": "logs",
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
    },
    t.S3_VERSIONING: {"bucket": "logs", "versioningConfiguration": {"status": "Enabled"}},
    t.S3_SSE: {
        "bucket": "logs",
        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
    },
    t.S3_POLICY: {"bucket": "logs", "policy": json.dumps(TLS_ONLY_POLICY)},
    t.S3_LIFECYCLE: {
        "bucket": "logs",
        "rules": [
            {
                "id": "tiering",
                "status": "Enabled",
                "transitions": [{"days": 30.0, "storageClass": "STANDARD_IA"}],
                "noncurrentVersionExpiration": {"noncurrentDays": 30.0},
                "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7.0},
            }
        ],
    },
    t.IAM_ROLE_POLICY: {"role": "app", "policy": json.dumps(APP_POLICY)},
    t.IAM_POLICY: {"policy": json.dumps(APP_POLICY)},
    t.IAM_ROLE: {"assumeRolePolicy": json.dumps(TRUST)},
    t.IAM_ROLE_POLICY_ATTACHMENT: {
        "role": "app",
        "policyArn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    },
    t.KMS_KEY: {
        "enableKeyRotation": True,
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "policy": json.dumps(KEY_POLICY),
    },
    t.SNS_TOPIC: {"name": "alarms", "kmsMasterKeyId": KEY_ARN},
    t.LOG_GROUP: {"name": "/tap/flow", "kmsKeyId": KEY_ARN, "retentionInDays": 90.0},
    t.SECRET: {"name": "db", "kmsKeyId": KEY_ARN},
    t.DYNAMODB_TABLE: {"serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY_ARN}},
    t.LISTENER: {
        "protocol": "HTTPS",
        "port": 443.0,
        "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    },
    t.LOAD_BALANCER: {
        "loadBalancerType": "application",
        "internal": False,
        "dropInvalidHeaderFields": True,
        "accessLogs": {"bucket": "logs", "enabled": True},
    },
    t.ROUTE53_RECORD: {
        "name": "app.payments.example.com",
        "type": "A",
        "ttl": 60.0,
        "records": ["203.0.113.10"],
        "setIdentifier": "blue-development",
        "weightedRoutingPolicies": [{"weight": 90.0}],
    },
    t.WEB_ACL: {
        "name": "prod-waf",
        "scope": "REGIONAL",
        "defaultAction": {"allow": {}},
        "visibilityConfig": {
            "metricName": "prod-waf",
            "cloudwatchMetricsEnabled": True,
            "sampledRequestsEnabled": True,
        },
        "rules": [
            *(
                _waf_rule(
                    g,
                    float(i + 1),
                    {"managedRuleGroupStatement": {"vendorName": "AWS", "name": g}},
                    overrideAction={"none": {}},
                )
                for i, g in enumerate(MANAGED_GROUPS)
            ),
            _waf_rule(
                "per-ip-rate-limit",
                5.0,
                {"rateBasedStatement": {"limit": 2000.0, "aggregateKeyType": "IP"}},
                action={"block": {}},
            ),
        ],
    },
    t.METRIC_ALARM: {
        "alarmActions": ["arn:aws:sns:us-east-1:123456789012:alarms"],
        "okActions": ["arn:aws:sns:us-east-1:123456789012:alarms"],
        "treatMissingData": "notBreaching",
    },
}


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `changes` applied; a change of `DELETE` removes the key; dicts merge."""
    out = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if value is DELETE:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


DELETE = object()


def args(typ: str, props: Mapping[str, Any], name: str = SUBJECT) -> ResourceArgs:
    return ResourceArgs(resource_type=typ, props=props, urn=f"urn:pulumi:test::tap::{typ}::{name}", name=name)


def violations(rule: str | ResourceRule, typ: str, props: Mapping[str, Any]) -> list[str]:
    """Runs one resource rule through a fake report_violation, as the pack would."""
    r = rule_named(rule) if isinstance(rule, str) else rule
    assert isinstance(r, ResourceRule)
    found: list[str] = []
    r.validate(args(typ, props), lambda message, urn=None: found.append(message))
    return found


def compliant_with(typ: str, **changes: Any) -> dict[str, Any]:
    return merged(COMPLIANT[typ], changes)


def stack_violations(rule: str | StackRule, resources: list[StackResource]) -> list[str]:
    r = rule_named(rule) if isinstance(rule, str) else rule
    assert isinstance(r, StackRule)
    found: list[str] = []
    r.validate(StackArgs(resources=resources), lambda message, urn=None: found.append(message))
    return found


def res(typ: str, name: str, /, **props: Any) -> StackResource:
    return StackResource(
        resource_type=typ, props=props, urn=f"urn:pulumi:test::tap::{typ}::{name}", name=name, provider=""
    )


COMPLIANT.update(COMPLIANCE_EXAMPLES)
