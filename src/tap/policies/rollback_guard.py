"""The in-AWS rollback guard (SPEC R15.2; components/rollback_guard.py): armed exactly where the
phase machine arms it, and its roles can do nothing but roll the app's weights back.

- Any policy granting route53:ChangeResourceRecordSets names hosted zones (no `*`) and carries
  the record-name condition (`route53:ChangeResourceRecordSetsNormalizedRecordNames`), so a
  role that may move the app's weights cannot rewrite the rest of the zone.
- Any policy granting ssm:StartAutomationExecution names automation definitions (no `*`).
- The stack has the guard's Automation document and its EventBridge rule iff the phase the
  stack records arms the guard, and the document UPSERTs only.
"""

from __future__ import annotations

import json
from typing import Any

from tap import aws_types as t
from tap.policies.iam import POLICY_TYPES, allow_statements, permission_documents
from tap.policies.phase import stack_phase_plan
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule
from tap.props import UNKNOWN, as_list

RECORD_NAME_KEY = "route53:ChangeResourceRecordSetsNormalizedRecordNames"


def _grants(statement: dict[str, Any], action: str) -> bool:
    return any(isinstance(a, str) and a.lower() == action.lower() for a in as_list(statement.get("Action")))


def _has_condition(statement: dict[str, Any], key: str) -> bool:
    cond = statement.get("Condition")
    return isinstance(cond, dict) and any(isinstance(b, dict) and key in b for b in cond.values())


@resource_rule(
    "route53-change-scoped-to-zone-and-record",
    "A policy allowing route53:ChangeResourceRecordSets names its hosted zones (no `*`) and limits "
    "the record names with route53:ChangeResourceRecordSetsNormalizedRecordNames.",
    "R4.1, R15.2",
    *POLICY_TYPES,
)
def route53_change_scoped(r: Resource, report: Report) -> None:
    for where, doc in permission_documents(r):
        for st in allow_statements(doc):
            if not _grants(st, "route53:ChangeResourceRecordSets"):
                continue
            resources = as_list(st.get("Resource"))
            if UNKNOWN in resources:
                continue
            if not resources or any(
                not (isinstance(x, str) and x.startswith("arn:aws:route53:::hostedzone/") and "*" not in x)
                for x in resources
            ):
                report(f"{where} allows ChangeResourceRecordSets on {resources}; name the hosted zone")
            if not _has_condition(st, RECORD_NAME_KEY):
                report(f"{where} allows ChangeResourceRecordSets without a {RECORD_NAME_KEY} condition")


@resource_rule(
    "ssm-automation-start-scoped",
    "A policy allowing ssm:StartAutomationExecution names the automation definitions it may start.",
    "R4.1, R15.2",
    *POLICY_TYPES,
)
def automation_start_scoped(r: Resource, report: Report) -> None:
    for where, doc in permission_documents(r):
        for st in allow_statements(doc):
            if not _grants(st, "ssm:StartAutomationExecution"):
                continue
            resources = as_list(st.get("Resource"))
            if UNKNOWN in resources:
                continue
            if not resources or any(
                not (isinstance(x, str) and ":automation-definition/" in x and "/*" not in x)
                for x in resources
            ):
                report(f"{where} allows StartAutomationExecution on {resources}; name the document")


def _guard_documents(stack: Stack) -> list[Resource]:
    return [d for d in stack.of_type(t.SSM_DOCUMENT) if d.get("documentType") == "Automation"]


@stack_rule(
    "rollback-guard-armed-per-phase",
    "The in-AWS rollback guard (an Automation document started by an EventBridge rule on green's "
    "alarms) exists iff the recorded phase arms it, and its document only UPSERTs records.",
    "R15.2",
)
def guard_armed_per_phase(stack: Stack, report: Report) -> None:
    plan = stack_phase_plan(stack)
    if plan is None or any(d.get("documentType") is UNKNOWN for d in stack.of_type(t.SSM_DOCUMENT)):
        return
    docs = _guard_documents(stack)
    rules = stack.of_type(t.EVENT_RULE)
    if plan.rollback_guard_armed and (not docs or not rules):
        report(
            f"phase {plan.phase.value!r} arms the rollback guard, but the stack has no guard document/rule"
        )
    if not plan.rollback_guard_armed and docs:
        report(
            f"phase {plan.phase.value!r} does not arm the rollback guard, but {docs[0].label} exists",
            docs[0].urn,
        )
    for d in docs:
        content = d.get("content")
        if not isinstance(content, str):
            continue
        try:
            steps = json.loads(content).get("mainSteps", [])
        except (ValueError, AttributeError):
            report(f"{d.label} content is not JSON", d.urn)
            continue
        for step in steps:
            batch = (step.get("inputs") or {}).get("ChangeBatch") or {}
            actions = {c.get("Action") for c in batch.get("Changes", [])}
            if actions - {"UPSERT"}:
                report(f"{d.label} step {step.get('name')!r} does {sorted(actions)}; only UPSERT", d.urn)


RULES = [route53_change_scoped, automation_start_scoped]
STACK_RULES = [guard_armed_per_phase]
