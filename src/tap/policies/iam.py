"""IAM least privilege (SPEC R4): no `*` actions, `"Resource": "*"` only for the actions in
`tap.iam_documents.WILDCARD_RESOURCE_EXCEPTIONS` and each with its condition key from
`WILDCARD_CONDITION_KEYS`, AWS-managed policies only from `ALLOWED_MANAGED_POLICIES`, and trust
policies that name their principal. The lists live in one place; this module only reads them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tap import aws_types as t
from tap.iam_documents import (
    ALLOWED_MANAGED_POLICIES,
    ANY_RESOURCE,
    WILDCARD_CONDITION_KEYS,
    WILDCARD_RESOURCE_EXCEPTIONS,
)
from tap.policies.rules import Report, Resource, resource_rule
from tap.props import UNKNOWN, as_list, document

POLICY_TYPES = (t.IAM_ROLE_POLICY, t.IAM_POLICY, t.IAM_USER_POLICY, t.IAM_GROUP_POLICY, t.IAM_ROLE)
AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"
# Every resource that attaches a policy by ARN (`policyArn`).
ATTACHMENT_TYPES = (
    t.IAM_ROLE_POLICY_ATTACHMENT,
    t.IAM_POLICY_ATTACHMENT,
    t.IAM_USER_POLICY_ATTACHMENT,
    t.IAM_GROUP_POLICY_ATTACHMENT,
)


def permission_documents(r: Resource) -> Iterator[tuple[str, Any]]:
    """(where, parsed document) for every permissions policy a resource carries."""
    if r.type == t.IAM_ROLE:
        for i, inline in enumerate(r.get("inlinePolicies") or []):
            if isinstance(inline, dict):
                yield f"{r.label} inline policy {inline.get('name') or i}", document(inline.get("policy"))
        return
    yield r.label, document(r.get("policy"))


def allow_statements(doc: Any) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        return []
    return [s for s in as_list(doc.get("Statement")) if isinstance(s, dict) and s.get("Effect") == "Allow"]


def _condition_keys(statement: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    cond = statement.get("Condition")
    if isinstance(cond, dict):
        for block in cond.values():
            if isinstance(block, dict):
                keys.update(str(k) for k in block)
    return keys


def wildcard_arn(arn: Any) -> bool:
    """An ARN that is `*` for one service: a wildcard bucket (`arn:aws:s3:::*`), or a resource
    part that is only a wildcard after its type (`key/*`, `secret:*`, `*`). A path or name
    before the wildcard (`bucket/*`, `parameter/tap/pay01/*`) names resources and passes."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return False
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return False
    service, resource = parts[2], parts[5]
    if service == "s3":
        return "*" in resource.split("/", 1)[0]
    name = re.split(r"[/:]", resource, maxsplit=1)[-1]
    return name.strip("*") == ""


@resource_rule(
    "iam-no-wildcard-actions",
    "IAM policies allow named actions: no `*`, no `service:*`, no NotAction.",
    "R4.1, R4.2",
    *POLICY_TYPES,
)
def no_wildcard_actions(r: Resource, report: Report) -> None:
    for where, doc in permission_documents(r):
        if doc is UNKNOWN:
            continue
        for st in allow_statements(doc):
            sid = st.get("Sid", "?")
            if "NotAction" in st:
                report(f"{where} statement {sid} allows NotAction (everything else)")
            for action in as_list(st.get("Action")):
                if action == "*" or (isinstance(action, str) and action.endswith(":*")):
                    report(f"{where} statement {sid} allows the wildcard action {action!r}")


@resource_rule(
    "iam-wildcard-resource-allow-list",
    'IAM policies name resource ARNs; `"Resource": "*"` only for actions AWS cannot scope '
    "(tap.iam_documents.WILDCARD_RESOURCE_EXCEPTIONS), each with its condition key.",
    "R4.1, R4.2",
    *POLICY_TYPES,
)
def wildcard_resource_allow_list(r: Resource, report: Report) -> None:
    for where, doc in permission_documents(r):
        if doc is UNKNOWN:
            continue
        if doc is None:
            report(f"{where} has no readable policy document")
            continue
        for st in allow_statements(doc):
            sid = st.get("Sid", "?")
            if "NotResource" in st:
                report(f"{where} statement {sid} uses NotResource (every other resource)")
                continue
            for arn in as_list(st.get("Resource")):
                if arn != ANY_RESOURCE and wildcard_arn(arn):
                    report(
                        f"{where} statement {sid} allows {', '.join(map(str, as_list(st.get('Action'))))} "
                        f"on {arn}, which is every resource of its kind; name the ARNs"
                    )
            if ANY_RESOURCE not in as_list(st.get("Resource")):
                continue
            keys = _condition_keys(st)
            for action in as_list(st.get("Action")):
                if action not in WILDCARD_RESOURCE_EXCEPTIONS:
                    report(
                        f"{where} statement {sid} allows {action!r} on every resource; name the ARNs "
                        f"(only {', '.join(sorted(WILDCARD_RESOURCE_EXCEPTIONS))} may use '*')"
                    )
                elif WILDCARD_CONDITION_KEYS[action] not in keys:
                    report(
                        f"{where} statement {sid} allows {action!r} on every resource without the "
                        f"{WILDCARD_CONDITION_KEYS[action]!r} condition"
                    )


@resource_rule(
    "iam-managed-policy-allow-list",
    "AWS-managed policies are attached only from tap.iam_documents.ALLOWED_MANAGED_POLICIES.",
    "R4.1",
    *ATTACHMENT_TYPES,
    t.IAM_ROLE,
)
def managed_policy_allow_list(r: Resource, report: Report) -> None:
    arns = [r.get("policyArn")] if r.type in ATTACHMENT_TYPES else list(r.get("managedPolicyArns") or [])
    for arn in arns:
        if (
            isinstance(arn, str)
            and arn.startswith(AWS_MANAGED_PREFIX)
            and arn not in ALLOWED_MANAGED_POLICIES
        ):
            report(f"{r.label} attaches the AWS-managed policy {arn}, which is not on the allow-list")


@resource_rule(
    "iam-trust-names-principal",
    "Role trust policies name their principal (no `*`).",
    "R4",
    t.IAM_ROLE,
)
def trust_names_principal(r: Resource, report: Report) -> None:
    doc = document(r.get("assumeRolePolicy"))
    if doc is UNKNOWN:
        return
    for st in allow_statements(doc):
        principal = st.get("Principal")
        values = principal.values() if isinstance(principal, dict) else [principal]
        if any("*" in as_list(v) for v in values):
            report(f"{r.label} trust policy lets any principal assume it")


RULES = [no_wildcard_actions, wildcard_resource_allow_list, managed_policy_allow_list, trust_names_principal]
