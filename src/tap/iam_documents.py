"""IAM and key policy documents, built as data so the offline checks can read them.

Key policies are assembled from the statements below: every key this stack creates is
administered by the account through IAM (`key_policy` puts that statement first), and a key's
users and the AWS services that reach it are named statement by statement.

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


# What a principal needs to encrypt and decrypt with a key (data keys included).
KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
# Grants only on behalf of an AWS service (EBS, RDS, DNSSEC attach a key through grants).
FOR_AWS_RESOURCES = {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def key_statement(
    sid: str, principal: dict[str, Any], actions: str | list[str], condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One statement of a KMS key policy, where `Resource: "*"` means this key."""
    st: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": actions,
        "Resource": ANY_RESOURCE,
    }
    if condition:
        st["Condition"] = condition
    return st


def key_administrators(account_id: pulumi.Input[str]) -> dict[str, Any]:
    """The account administers the key through IAM: without this statement the key can become
    unmanageable by anyone, root included."""
    root = pulumi.Output.concat("arn:aws:iam::", account_id, ":root")
    return key_statement("AccountAdministersKeyThroughIam", {"AWS": root}, "kms:*")


def key_user(principal: dict[str, Any], *, use_sid: str, grants_sid: str) -> list[dict[str, Any]]:
    """A principal that encrypts with the key and lets AWS services use it through grants."""
    return [
        key_statement(use_sid, principal, KEY_USE),
        key_statement(grants_sid, principal, "kms:CreateGrant", FOR_AWS_RESOURCES),
    ]


def alarms_publish_to_topic(account_id: pulumi.Input[str]) -> dict[str, Any]:
    """Alarms publish to an encrypted SNS topic as the CloudWatch service: without this statement
    in the topic key's policy, alarm notifications are dropped with no error anywhere."""
    return key_statement(
        "CloudWatchAlarmsPublishToEncryptedTopic",
        {"Service": "cloudwatch.amazonaws.com"},
        ["kms:Decrypt", "kms:GenerateDataKey*"],
        {"StringEquals": {"aws:SourceAccount": account_id}},
    )


def key_policy_document(account_id: pulumi.Input[str], *statements: dict[str, Any]) -> pulumi.Output[str]:
    """A key policy: the account's administration first, then what the key is for."""
    return document(key_administrators(account_id), *statements)
