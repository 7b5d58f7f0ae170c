"""The load balancer (SPEC R7): HTTPS only with a TLS 1.2+ policy, no plain-HTTP listener,
invalid headers dropped, access logs on, and a WAF web ACL in front of every internet-facing
application load balancer."""

from __future__ import annotations

import re
from typing import Any

from tap import aws_types as t
from tap.policies.props import UNKNOWN, flag, number, value
from tap.policies.rules import Report, Resource, Stack, resource_rule, stack_rule

HTTPS_PORT = 443
SSE_S3 = "AES256"
# ELB security policies that refuse TLS 1.0 and 1.1: the TLS 1.3 families with a 1.2 or 1.3
# floor, and the TLS-1-2 / FS-1-2 families. (`ELBSecurityPolicy-TLS13-1-0-...` still allows 1.0.)
TLS12_POLICY = re.compile(r"^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)")
# SPEC R7.4: the AWS managed rule groups the web ACL must enforce.
REQUIRED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)


@resource_rule(
    "alb-listener-https-tls12",
    "Listeners are HTTPS on 443 with a certificate and a TLS 1.2+ security policy; no plain "
    "HTTP listener (not even a redirect on port 80).",
    "R7.2, R3.3",
    *t.LISTENERS,
)
def listener_https(r: Resource, report: Report) -> None:
    protocol, port, policy = r.get("protocol"), number(r.get("port")), r.get("sslPolicy")
    if protocol is not UNKNOWN and protocol != "HTTPS":
        report(f"{r.label} listens with {protocol or 'no protocol'}; only HTTPS is allowed")
        return
    if port is not UNKNOWN and port != HTTPS_PORT:
        report(f"{r.label} listens on port {port}; HTTPS belongs on {HTTPS_PORT}")
    if policy is not UNKNOWN and not (isinstance(policy, str) and TLS12_POLICY.match(policy)):
        report(
            f"{r.label} uses TLS policy {policy!r}; use a TLS 1.2+ policy "
            "(e.g. ELBSecurityPolicy-TLS13-1-2-2021-06)"
        )
    cert = r.get("certificateArn")
    if cert is not UNKNOWN and not (isinstance(cert, str) and cert):
        report(f"{r.label} has no certificateArn")


def _application(r: Resource) -> bool:
    kind = r.get("loadBalancerType")
    return kind in (None, UNKNOWN, "application")


@resource_rule(
    "alb-drop-invalid-headers",
    "Application load balancers drop invalid HTTP header fields (request smuggling).",
    "R7.1",
    *t.LOAD_BALANCERS,
)
def drop_invalid_headers(r: Resource, report: Report) -> None:
    if not _application(r):
        return
    v = flag(r.get("dropInvalidHeaderFields"))
    if v is not UNKNOWN and v is not True:
        report(f"{r.label} does not drop invalid header fields")


@resource_rule(
    "alb-access-logs",
    "Load balancers write access logs to a bucket.",
    "R7.1",
    *t.LOAD_BALANCERS,
)
def access_logs(r: Resource, report: Report) -> None:
    enabled, bucket = flag(r.get("accessLogs", "enabled")), r.get("accessLogs", "bucket")
    if enabled is UNKNOWN or bucket is UNKNOWN:
        return
    if enabled is not True or not (isinstance(bucket, str) and bucket):
        report(f"{r.label} has no access logs (accessLogs.enabled and accessLogs.bucket)")


@stack_rule(
    "waf-on-internet-facing-alb",
    "Every internet-facing application load balancer has a WAFv2 web ACL associated.",
    "R7.4",
)
def waf_associated(stack: Stack, report: Report) -> None:
    protected = {a.get("resourceArn") for a in stack.of_type(t.WEB_ACL_ASSOCIATION)}
    if UNKNOWN in protected:
        return
    for lb in stack.of_type(*t.LOAD_BALANCERS):
        if flag(lb.get("internal")) is True or not _application(lb):
            continue
        arn = lb.get("arn")
        if arn is UNKNOWN:
            continue
        if arn not in protected and lb.get("id") not in protected:
            report(f"{lb.label} faces the internet without a WAF web ACL", lb.urn)


@resource_rule(
    "waf-managed-rules-and-rate-limit",
    "The web ACL enforces the AWS managed rule groups (common, known bad inputs, SQL injection, "
    "IP reputation) - none left in count mode - and blocks by a per-IP rate limit.",
    "R7.4",
    t.WEB_ACL,
)
def waf_rules(r: Resource, report: Report) -> None:
    rules = r.get("rules")
    if rules is UNKNOWN:
        return
    listed = [x for x in (rules if isinstance(rules, list) else []) if x is UNKNOWN or isinstance(x, dict)]
    if UNKNOWN in listed:
        return
    enforced: set[str] = set()
    counted: set[str] = set()
    rate_limited = False
    for rule in listed:
        group = value(rule, "statement", "managedRuleGroupStatement", "name")
        rate = value(rule, "statement", "rateBasedStatement")
        count, block = value(rule, "overrideAction", "count"), value(rule, "action", "block")
        if UNKNOWN in (group, rate, count, block):
            return
        if isinstance(group, str):
            # overrideAction {count: {}} turns every rule of the group into count-only.
            if count is not None:
                report(f"{r.label} runs {group} in count mode: it blocks nothing")
                counted.add(group)
            else:
                enforced.add(group)
        if isinstance(rate, dict) and block is not None:
            rate_limited = True
    missing = [g for g in REQUIRED_RULE_GROUPS if g not in enforced | counted]
    if missing:
        report(f"{r.label} does not enforce {', '.join(missing)}")
    if not rate_limited:
        report(f"{r.label} has no blocking per-IP rate limit (rateBasedStatement with action block)")


RULES = [listener_https, drop_invalid_headers, access_logs, waf_rules]


@stack_rule(
    "alb-log-bucket-sse-s3",
    "The bucket a load balancer writes access logs to is encrypted with SSE-S3 (AES256): ELB "
    "log delivery cannot write to an SSE-KMS bucket, so the logs would silently stop.",
    "R3.2, R7.1",
)
def log_bucket_sse_s3(stack: Stack, report: Report) -> None:
    algorithms: dict[Any, list[Any]] = {}
    for sse in stack.of_type(t.S3_SSE, t.S3_SSE_V2):
        rules = sse.get("rules")
        found = [
            x if x is UNKNOWN else value(x, "applyServerSideEncryptionByDefault", "sseAlgorithm")
            for x in (rules if isinstance(rules, list) else [UNKNOWN] if rules is UNKNOWN else [])
        ]
        algorithms.setdefault(sse.get("bucket"), []).extend(found)
    if UNKNOWN in algorithms:
        return  # an encryption configuration whose bucket is not known yet
    for lb in stack.of_type(*t.LOAD_BALANCERS):
        bucket = lb.get("accessLogs", "bucket")
        if not isinstance(bucket, str):
            continue
        wrong = [a for a in algorithms.get(bucket, []) if a is not UNKNOWN and a not in (None, SSE_S3)]
        if wrong:
            report(
                f"{lb.label} writes access logs to {bucket!r}, which is encrypted with "
                f"{', '.join(map(str, wrong))}; ELB log delivery needs {SSE_S3} (SSE-S3)",
                lb.urn,
            )


STACK_RULES = [waf_associated, log_bucket_sse_s3]
