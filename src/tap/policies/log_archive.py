"""Log storage as audit evidence (SPEC R19, R9.1): the log buckets keep the most recent three
months immediately readable and the whole year before expiry (PCI DSS 10.5.1), and the log
bucket's own access is logged to a separate access-log bucket (FSBP S3.9)."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.policies.props import UNKNOWN, Unknown, number, value
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule
from tap.policies.storage import enabled_rules

# Three calendar months are at most 92 days; a year of logs is 365.
IMMEDIATE_DAYS = 92
RETAINED_DAYS = 365
# Classes read in milliseconds. GLACIER (Flexible Retrieval) and DEEP_ARCHIVE need a restore
# first (minutes to 48 hours), so logs there are not "immediately available".
IMMEDIATE_CLASSES = frozenset({"STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR"})


@resource_rule(
    "s3-logs-immediately-readable-3-months",
    f"Bucket lifecycles keep objects in immediately readable storage for {IMMEDIATE_DAYS} days "
    f"(no GLACIER or DEEP_ARCHIVE before that) and expire nothing before {RETAINED_DAYS} days.",
    "R9.1, R19",
    t.S3_LIFECYCLE,
    t.S3_LIFECYCLE_V2,
)
def immediately_readable(r: Resource, report: Report) -> None:
    rules = r.get("rules")
    if rules is UNKNOWN or not isinstance(rules, list) or UNKNOWN in rules:
        return
    for rule in enabled_rules(rules):
        label = rule.get("id") or "a rule"
        for tr in rule.get("transitions") or []:
            if not isinstance(tr, dict):
                continue
            days, cls = number(tr.get("days")), tr.get("storageClass")
            if isinstance(days, Unknown) or cls is UNKNOWN or cls in IMMEDIATE_CLASSES:
                continue
            if days is None or days < IMMEDIATE_DAYS:
                report(
                    f"{r.label} ({label}) moves objects to {cls} at day {days}; logs must stay "
                    f"immediately readable for {IMMEDIATE_DAYS} days (use GLACIER_IR)"
                )
        expiry = number((rule.get("expiration") or {}).get("days"))
        if isinstance(expiry, float) and expiry < RETAINED_DAYS:
            report(f"{r.label} ({label}) expires objects at day {expiry:g}; keep them {RETAINED_DAYS}")


def replication_destinations(stack: Stack) -> set[Any]:
    found: set[Any] = set()
    for rc in stack.of_type(t.S3_REPLICATION):
        rules = rc.get("rules")
        if rules is UNKNOWN:
            found.add(UNKNOWN)
        for x in rules if isinstance(rules, list) else []:
            if x is UNKNOWN or not isinstance(x, dict):
                found.add(UNKNOWN)
            else:
                found.add(value(x, "destination", "bucket"))
    return found


@stack_rule(
    "s3-server-access-logging",
    "Every bucket logs its server access to a different bucket, except the access-log bucket "
    "itself and replication destinations (written only by S3 replication; see the deviations).",
    "R19",
)
def server_access_logging(stack: Stack, report: Report) -> None:
    logged: dict[Any, Any] = {}
    for x in stack.of_type(t.S3_LOGGING, t.S3_LOGGING_V2):
        logged[x.get("bucket")] = x.get("targetBucket")
    if UNKNOWN in logged or UNKNOWN in logged.values():
        return
    targets, destinations = set(logged.values()), replication_destinations(stack)
    if UNKNOWN in destinations:
        return
    for b in stack.of_type(*t.BUCKETS):
        ids = b.physical_ids
        if not ids or any(b.get(k) is UNKNOWN for k in ("id", "arn", "bucket")):
            continue
        target = next((logged[i] for i in ids if i in logged), None)
        if target in ids:
            report(f"{b.label} logs its access into itself; every delivery would log another", b.urn)
        elif target is None and not (ids & targets or ids & destinations):
            report(f"{b.label} has no server access logging (FSBP S3.9)", b.urn)


RULES = [immediately_readable]
STACK_RULES = [server_access_logging]
