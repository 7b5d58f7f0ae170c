"""Audit trails (SPEC R19, R5.4, R7.4): the database records connections, DDL and DCL through
the MariaDB audit plugin and never runs `general_log`; every web ACL logs with the credential
headers redacted; every audit-relevant log group keeps 12 months (PCI DSS 10.5.1)."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.policies.database import owned_instances
from tap.policies.props import UNKNOWN, Unknown, number, value
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule
from tap.rds_audit import AUDIT_EVENTS, AUDIT_OPTION

AUDIT_RETENTION_DAYS = 365
WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"
REDACTED_HEADERS = ("authorization", "cookie")
# Events that would write data statements (and so card data) into the audit log.
DATA_EVENTS = ("QUERY", "QUERY_DML", "QUERY_DML_NO_SELECT")
ON_VALUES = {"1", "ON", "TRUE"}


def _known_list(v: Any) -> list[Any] | None:
    """The list, or None while it (or any element) is unknown."""
    if v is UNKNOWN:
        return None
    listed = v if isinstance(v, list) else []
    return None if UNKNOWN in listed else listed


@resource_rule(
    "rds-no-general-log",
    "No parameter group turns general_log on: it records every statement with its literals "
    "(card and personal data, and replication passwords).",
    "R5.4, R19",
    t.RDS_PARAMETER_GROUP,
)
def no_general_log(r: Resource, report: Report) -> None:
    for p in _known_list(r.get("parameters")) or []:
        if isinstance(p, dict) and p.get("name") == "general_log":
            v = p.get("value")
            if v is not UNKNOWN and str(v).strip().upper() in ON_VALUES:
                report(f"{r.label} sets general_log={v!r}; audit with {AUDIT_OPTION} instead")


def _audit_events(option_group: Resource) -> set[str] | None:
    """SERVER_AUDIT_EVENTS of the audit option, None while unknown, empty when absent."""
    options = _known_list(option_group.get("options"))
    if options is None:
        return None
    if any(isinstance(o, dict) and o.get("optionName") is UNKNOWN for o in options):
        return None
    for o in options:
        if isinstance(o, dict) and o.get("optionName") == AUDIT_OPTION:
            settings = _known_list(o.get("optionSettings"))
            if settings is None or any(isinstance(s, dict) and s.get("name") is UNKNOWN for s in settings):
                return None
            for s in settings:
                if isinstance(s, dict) and s.get("name") == "SERVER_AUDIT_EVENTS":
                    v = s.get("value")
                    if v is UNKNOWN:
                        return None
                    return {x.strip().upper() for x in str(v).split(",") if x.strip()}
            return {"CONNECT", "QUERY"}  # RDS's default when the setting is left out
    return set()


@resource_rule(
    "rds-audit-plugin-events",
    f"MySQL option groups run {AUDIT_OPTION} recording {', '.join(AUDIT_EVENTS)}, and no "
    "data-statement events (QUERY, QUERY_DML*) that would log card data.",
    "R5.4, R19",
    t.RDS_OPTION_GROUP,
)
def audit_plugin_events(r: Resource, report: Report) -> None:
    if r.get("engineName") not in ("mysql", UNKNOWN):
        return
    events = _audit_events(r)
    if events is None:
        return
    if not events:
        report(f"{r.label} has no {AUDIT_OPTION} option: connections, DDL and DCL go unrecorded")
        return
    missing = [e for e in AUDIT_EVENTS if e not in events]
    if missing:
        report(f"{r.label} audit events miss {', '.join(missing)}")
    data = sorted(events & set(DATA_EVENTS))
    if data:
        report(f"{r.label} audits {', '.join(data)}: data statements (card data) would reach the log")


@stack_rule(
    "rds-instance-audited",
    f"The production instance uses an option group of this stack that runs {AUDIT_OPTION}.",
    "R5.4, R19",
)
def instance_audited(stack: Stack, report: Report) -> None:
    audited: set[Any] = set()
    for og in stack.of_type(t.RDS_OPTION_GROUP):
        events = _audit_events(og)
        if events is None or events:
            audited |= og.physical_ids | ({UNKNOWN} if og.get("name") is UNKNOWN else set())
    if UNKNOWN in audited:
        return
    for db in owned_instances(stack):
        name = db.get("optionGroupName")
        if name is UNKNOWN:
            continue
        if name not in audited:
            report(f"{db.label} uses option group {name!r}, which does not run {AUDIT_OPTION}", db.urn)


def _log_group_name_from_arn(arn: str) -> str:
    """arn:aws:logs:region:account:log-group:NAME[:*] -> NAME."""
    rest = arn.split(":log-group:", 1)[-1]
    return rest[:-2] if rest.endswith(":*") else rest


@resource_rule(
    "waf-logging-redacts-credentials",
    "WAF logging writes to an `aws-waf-logs-` log group (its ARN without `:*`) and redacts the "
    "authorization and cookie headers.",
    "R7.4, R19",
    t.WAF_LOGGING,
)
def waf_logging_redacts(r: Resource, report: Report) -> None:
    for dest in _known_list(r.get("logDestinationConfigs")) or []:
        if not isinstance(dest, str) or ":log-group:" not in dest:
            continue  # Firehose and S3 destinations have their own naming rules
        if dest.endswith(":*"):
            report(f"{r.label} names {dest!r} with ':*'; WAF refuses the stream-wildcard ARN")
        if not _log_group_name_from_arn(dest).startswith(WAF_LOG_GROUP_PREFIX):
            report(f"{r.label} logs to {dest!r}; WAF accepts only log groups named {WAF_LOG_GROUP_PREFIX}*")
    fields = _known_list(r.get("redactedFields"))
    if fields is None:
        return
    redacted = set()
    for f in fields:
        name = value(f, "singleHeader", "name")
        if name is UNKNOWN:
            return
        if isinstance(name, str):
            redacted.add(name.lower())
    missing = [h for h in REDACTED_HEADERS if h not in redacted]
    if missing:
        report(f"{r.label} does not redact the {', '.join(missing)} header(s): credentials would be logged")


@stack_rule(
    "waf-acl-logged",
    "Every web ACL has a logging configuration (FSBP WAF.11).",
    "R7.4, R19",
)
def waf_acl_logged(stack: Stack, report: Report) -> None:
    logged = {c.get("resourceArn") for c in stack.of_type(t.WAF_LOGGING)}
    if UNKNOWN in logged:
        return
    for acl in stack.of_type(t.WEB_ACL):
        if acl.get("arn") is UNKNOWN:
            continue
        if not acl.physical_ids & logged:
            report(
                f"{acl.label} has no logging configuration: its allow and block decisions leave no record",
                acl.urn,
            )


def audit_log_groups(stack: Stack) -> list[tuple[Resource, str]]:
    """The log groups that hold audit evidence, with why: flow logs, WAF logs, DNS query logs
    and database audit exports."""
    referenced: dict[str, str] = {}
    for fl in stack.of_type(t.FLOW_LOG):
        for key in ("logDestination", "logGroupName"):
            v = fl.get(key)
            if isinstance(v, str) and v:
                referenced[v] = "VPC flow logs"
    for q in stack.of_type(t.ROUTE53_QUERY_LOG):
        v = q.get("cloudwatchLogGroupArn")
        if isinstance(v, str):
            referenced[v] = "DNS query logs"
    for w in stack.of_type(t.WAF_LOGGING):
        for v in _known_list(w.get("logDestinationConfigs")) or []:
            if isinstance(v, str):
                referenced[v] = "WAF logs"
    found = []
    for g in stack.of_type(t.LOG_GROUP):
        name = g.get("name")
        why = next((referenced[i] for i in g.physical_ids if i in referenced), None)
        if why is None and isinstance(name, str):
            if name.startswith(WAF_LOG_GROUP_PREFIX):
                why = "WAF logs"
            elif name.startswith("/aws/rds/") and name.endswith("/audit"):
                why = "database audit log"
        if why:
            found.append((g, why))
    return found


@stack_rule(
    "audit-log-retention-12-months",
    f"Audit-relevant log groups (flow, WAF, DNS query, database audit) keep at least "
    f"{AUDIT_RETENTION_DAYS} days (PCI DSS 10.5.1: 12 months).",
    "R19",
)
def audit_retention(stack: Stack, report: Report) -> None:
    for g, why in audit_log_groups(stack):
        days = number(g.get("retentionInDays"))
        if isinstance(days, Unknown) or days is None or days == 0:
            continue  # 0 or unset: CloudWatch keeps the events forever
        if days < AUDIT_RETENTION_DAYS:
            report(
                f"{g.label} holds {why} but keeps them {days:g} days; PCI DSS 10.5.1 needs "
                f"{AUDIT_RETENTION_DAYS}",
                g.urn,
            )


RULES = [no_general_log, audit_plugin_events, waf_logging_redacts]
STACK_RULES = [instance_audited, waf_acl_logged, audit_retention]
