"""SPEC R1, R2, R7, R8, R10: the rules on the network edge, on realistic resources near the
line: what counts as internet ingress, flow logs, the web ACL, DNS records and alarm actions."""

from __future__ import annotations

from typing import Any

from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, unknown_checking_proxy

from tap import aws_types as t
from tests.policy.examples import (
    DELETE,
    SUBJECT,
    compliant_with,
    violations,
)


def test_r8_2_alias_not_known_yet_is_not_a_missing_ttl() -> None:
    """An alias built inside an `apply` is wholly unknown on the first preview; an alias record
    has no TTL of its own, so the rule must wait rather than report 'TTL unset'."""
    props = unknown_checking_proxy(
        compliant_with(t.ROUTE53_RECORD, ttl=DELETE, records=DELETE, aliases=UNKNOWN_ARRAY_VALUE)
    )
    assert violations("dns-ttl-60", t.ROUTE53_RECORD, props) == []


def test_r10_2_alarm_with_actions_disabled_fails() -> None:
    """actionsEnabled=false keeps the actions on paper and sends nothing."""
    for disabled in (False, "false"):
        found = violations(
            "alarm-has-actions", t.METRIC_ALARM, compliant_with(t.METRIC_ALARM, actionsEnabled=disabled)
        )
        assert len(found) == 1 and "actionsEnabled" in found[0]


def test_r2_1_udp_443_from_the_internet_fails() -> None:
    """The rule allows TCP 443 only; UDP 443 (QUIC) reaches nothing an ALB serves."""
    found = violations(
        "internet-ingress-https-only", t.INGRESS_RULE, compliant_with(t.INGRESS_RULE, ipProtocol="udp")
    )
    assert len(found) == 1 and "udp 443" in found[0]


def test_r2_1_prefix_list_ingress_is_judged_as_internet() -> None:
    """A prefix list's ranges are not in the program (they can be any public CIDR), so a rule
    naming one is held to the internet's standard: 443 only, and only on the ALB group."""
    props = compliant_with(
        t.INGRESS_RULE, cidrIpv4=DELETE, prefixListId="pl-0123456789abcdef0", fromPort=3306.0, toPort=3306.0
    )
    found = violations("internet-ingress-https-only", t.INGRESS_RULE, props)
    assert len(found) == 1 and "pl-0123456789abcdef0" in found[0]
    legacy = compliant_with(
        t.LEGACY_SG_RULE, sourceSecurityGroupId=DELETE, prefixListIds=["pl-0123456789abcdef0"]
    )
    assert len(violations("internet-ingress-https-only", t.LEGACY_SG_RULE, legacy)) == 1


def _waf(**changes: Any) -> dict[str, Any]:
    return compliant_with(t.WEB_ACL, **changes)


def test_r7_4_web_acl_missing_a_managed_group_or_the_rate_limit_fails() -> None:
    """Associating an empty web ACL satisfies 'a WAF is attached' and filters nothing."""
    assert violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, _waf()) == []
    rules = _waf()["rules"]
    no_sqli = _waf(rules=[r for r in rules if r["name"] != "AWSManagedRulesSQLiRuleSet"])
    found = violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, no_sqli)
    assert len(found) == 1 and "AWSManagedRulesSQLiRuleSet" in found[0] and SUBJECT in found[0]
    no_rate = _waf(rules=[r for r in rules if "rateBasedStatement" not in r["statement"]])
    found = violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, no_rate)
    assert len(found) == 1 and "rate" in found[0]
    assert len(violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, _waf(rules=[]))) == 2


def test_r7_4_managed_group_left_in_count_mode_fails() -> None:
    """overrideAction count is how a group is trialled; left there it only counts attacks."""
    rules = [
        {**r, "overrideAction": {"count": {}}} if r["name"] == "AWSManagedRulesCommonRuleSet" else r
        for r in _waf()["rules"]
    ]
    found = violations("waf-managed-rules-and-rate-limit", t.WEB_ACL, _waf(rules=rules))
    assert len(found) == 1 and "count" in found[0]


def test_r1_3_vpc_without_flow_logs_of_all_traffic_fails() -> None:
    """Flow logs are the network's audit trail; REJECT-only logs miss every accepted connection."""
    from tests.policy.examples import res, stack_violations
    from tests.policy.stack_examples import good_stack, replaced, without

    assert stack_violations("vpc-flow-logs-all-traffic", good_stack()) == []
    found = stack_violations("vpc-flow-logs-all-traffic", without(good_stack(), "flow-log"))
    assert len(found) == 1 and "'vpc'" in found[0]
    found = stack_violations(
        "vpc-flow-logs-all-traffic", replaced(good_stack(), "flow-log", trafficType="REJECT")
    )
    assert len(found) == 1 and "REJECT" in found[0]
    other = [*good_stack(), res(t.VPC, "vpc-2", id="vpc-2", cidrBlock="10.1.0.0/16")]
    assert len(stack_violations("vpc-flow-logs-all-traffic", other)) == 1
