"""IAM and key policy documents, built as data so the offline checks can read them.

`WILDCARD_RESOURCE_EXCEPTIONS` is the one list of actions that may name `"*"` as their resource,
each with the reason AWS gives no narrower choice. The policy pack reads the same list.
"""

from __future__ import annotations

from typing import Any

import pulumi

# The resource wildcard, named once. In an IAM policy it is allowed only for the actions below;
# in a KMS key policy it means "this key" and nothing wider.
ANY_RESOURCE = "*"

WILDCARD_RESOURCE_EXCEPTIONS: dict[str, str] = {
    "cloudwatch:PutMetricData": "CloudWatch metrics have no ARN; scoped by a cloudwatch:namespace condition.",
}

# Conditions that must accompany each exception, so the exception cannot be used more widely.
WILDCARD_CONDITION_KEYS: dict[str, str] = {
    "cloudwatch:PutMetricData": "cloudwatch:namespace",
}

# AWS-managed policies this stack may attach, with the reason. Their documents are AWS's.
ALLOWED_MANAGED_POLICIES: dict[str, str] = {
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": (
        "SSM agent (Session Manager instead of SSH; no port 22 anywhere)."
    ),
    "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole": (
        "RDS enhanced monitoring writes OS metrics to the RDSOSMetrics log group."
    ),
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup": (
        "AWS Backup snapshots and copies the database; AWS maintains the RDS actions it needs."
    ),
}

# The namespace the app fleets publish custom metrics to (the PutMetricData condition).
APP_METRICS_NAMESPACE = "Tap/Payments"


def document(*statements: dict[str, Any]) -> pulumi.Output[str]:
    """A policy document whose statements may hold Outputs (ARNs of resources in this stack)."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(
    sid: str, actions: list[str], resources: list[Any], condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    st: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
    if condition:
        st["Condition"] = condition
    return st


def service_trust(service: str, source_account: pulumi.Input[str] | None = None) -> pulumi.Output[str]:
    """Trust policy for an AWS service. Services that send `aws:SourceAccount` (flow logs, RDS
    monitoring, S3 replication) get the confused-deputy guard; EC2 does not send it."""
    st: dict[str, Any] = {
        "Sid": "ServiceAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account is not None:
        st["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return document(st)
