"""Encryption at rest with the customer key (SPEC R3): key rotation, a key policy that gives
full control only to the account root, and the SNS topic, log groups, secrets and the state
table encrypted with a key; log groups keep logs for a bounded time."""

from __future__ import annotations

import re
from typing import Any

from tap import aws_types as t
from tap.policies.props import UNKNOWN, as_list, customer_key_problem, document, flag, number
from tap.policies.rules import Report, Resource, resource_rule

# arn:aws:iam::123456789012:root (or the bare account id, which IAM expands to it).
_ROOT = re.compile(r"^(arn:aws[a-z-]*:iam::\d{12}:root|\d{12})$")


@resource_rule("kms-key-rotation", "Customer-managed keys rotate automatically.", "R3.1", t.KMS_KEY)
def key_rotation(r: Resource, report: Report) -> None:
    if r.get("customerMasterKeySpec") not in (None, UNKNOWN, "SYMMETRIC_DEFAULT"):
        return  # AWS rotates only symmetric keys (the DNSSEC signing key is asymmetric)
    v = flag(r.get("enableKeyRotation"))
    if v is not UNKNOWN and v is not True:
        report(f"{r.label} does not rotate (enableKeyRotation is off)")


def _principals(statement: dict[str, Any]) -> list[Any]:
    p = statement.get("Principal")
    if isinstance(p, dict):
        return [x for v in p.values() for x in as_list(v)]
    return as_list(p)


@resource_rule(
    "kms-key-policy-admin-root-only",
    'A key policy grants `kms:*` only to the account root (its "Resource": "*" means this key); '
    "services and roles get the named actions they use; no unconditioned `*` principal.",
    "R3.1, R4.2",
    t.KMS_KEY,
)
def key_policy_admin(r: Resource, report: Report) -> None:
    doc = document(r.get("policy"))
    if doc is UNKNOWN:
        return
    if not isinstance(doc, dict):
        report(f"{r.label} has no key policy; the default gives the account root kms:* only by accident")
        return
    for st in as_list(doc.get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        actions = as_list(st.get("Action"))
        if "*" in _principals(st) and not st.get("Condition"):
            report(
                f"{r.label} statement {st.get('Sid', '?')} allows {', '.join(map(str, actions))} to any "
                "principal without a condition; name the principal or condition it on the caller"
            )
            continue
        if not ("kms:*" in actions or "*" in actions):
            continue
        others = [p for p in _principals(st) if not (isinstance(p, str) and _ROOT.match(p))]
        if others:
            report(f"{r.label} statement {st.get('Sid', '?')} grants kms:* to {', '.join(map(str, others))}")


def _require_key(r: Resource, report: Report, key: str, what: str) -> None:
    problem = customer_key_problem(r.get(key))
    if problem:
        report(f"{r.label} {key} {problem}: {what}")


@resource_rule("sns-topic-encrypted", "SNS topics are encrypted with the key.", "R3.2, R10.1", t.SNS_TOPIC)
def sns_encrypted(r: Resource, report: Report) -> None:
    _require_key(r, report, "kmsMasterKeyId", "alarm messages name resources")


@resource_rule(
    "log-group-encrypted-with-retention",
    "Log groups are encrypted with the key and keep logs for a set number of days.",
    "R1.3, R3.2",
    t.LOG_GROUP,
)
def log_group(r: Resource, report: Report) -> None:
    _require_key(r, report, "kmsKeyId", "logs hold request data")
    days = number(r.get("retentionInDays"))
    if days is not UNKNOWN and not (isinstance(days, float) and days > 0):
        report(f"{r.label} keeps logs forever (retentionInDays unset)")


@resource_rule("secret-encrypted", "Secrets Manager secrets use the key.", "R3.2", t.SECRET)
def secret_encrypted(r: Resource, report: Report) -> None:
    _require_key(r, report, "kmsKeyId", "the AWS-managed key cannot be shared or audited like ours")


@resource_rule(
    "dynamodb-encrypted-with-key",
    "DynamoDB tables use server-side encryption with the key.",
    "R3.2",
    t.DYNAMODB_TABLE,
)
def table_encrypted(r: Resource, report: Report) -> None:
    enabled = flag(r.get("serverSideEncryption", "enabled"))
    if enabled is not UNKNOWN and enabled is not True:
        report(f"{r.label} does not enable server-side encryption with a customer key")
        return
    problem = customer_key_problem(r.get("serverSideEncryption", "kmsKeyArn"))
    if problem:
        report(f"{r.label} serverSideEncryption.kmsKeyArn {problem}")


RULES = [key_rotation, key_policy_admin, sns_encrypted, log_group, secret_encrypted, table_encrypted]
