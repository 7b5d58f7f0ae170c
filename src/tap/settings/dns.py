"""The front door: the load balancer's certificate, TLS policy and WAF limit, the zone and its
records, and how the blue-development record reaches dev."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic.dataclasses import dataclass

from tap.errors import Problem
from tap.settings.fields import GROUP_CONFIG, setting
from tap.settings.kinds import Flag, Items, OneOf, Text, Whole

if TYPE_CHECKING:
    from tap.settings.model import Settings

TLS_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
)
DNS_NAME = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
ZONE_ID = r"Z[A-Z0-9]{4,31}"
CERTIFICATE_ARN = Text(
    r"arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}", "an ACM certificate ARN", optional=True
)


@dataclass(frozen=True, config=GROUP_CONFIG)
class LoadBalancerSettings:
    deletion_protection: Annotated[bool, Flag()] = setting(
        "albDeletionProtection", True, "Deletion protection on the ALB."
    )
    certificate_arn: Annotated[str, CERTIFICATE_ARN] = setting(
        "certificateArn", "", "Existing certificate; empty means a DNS-validated certificate is requested."
    )
    ssl_policy: Annotated[str, OneOf(TLS_POLICIES)] = setting(
        "albSslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06", "TLS 1.2/1.3 policy of the HTTPS listener."
    )
    waf_rate_limit: Annotated[int, Whole(100, 2_000_000_000)] = setting(
        "wafRateLimit", 2000, "Requests per 5 minutes per client IP before WAF blocks it."
    )


@dataclass(frozen=True, config=GROUP_CONFIG)
class DnsSettings:
    domain_name: Annotated[str, Text(DNS_NAME, "a lowercase DNS name such as payments.example.com")] = (
        setting("domainName", "payments.example.com", "Domain; the service answers at app.{domain}.")
    )
    hosted_zone_id: Annotated[
        str, Text(ZONE_ID, "a Route53 zone id such as Z0123456789ABC", optional=True)
    ] = setting("hostedZoneId", "", "Existing hosted zone; empty means the stack creates one.")
    zone_delegated: Annotated[bool, Flag()] = setting(
        "zoneDelegated",
        False,
        "Set true once `tap preflight` confirms the parent domain delegates to the zone's name "
        "servers: only then does a requested certificate get validated and the listener declared.",
    )
    record_ttl: Annotated[int, Whole(1, 60)] = setting(
        "dnsTtlSeconds", 60, "TTL of every non-alias record (at most 60 so weights move quickly)."
    )
    dnssec: Annotated[bool, Flag()] = setting("dnssecEnabled", True, "DNSSEC signing of a created zone.")
    query_logging: Annotated[bool, Flag()] = setting(
        "queryLoggingEnabled", True, "Query logging of a created zone."
    )
    dev_endpoint_mode: Annotated[str, OneOf(("alias", "records"))] = setting(
        "devEndpointMode", "alias", "How the blue-development record reaches dev."
    )
    dev_alias_dns_name: Annotated[
        str, Text(DNS_NAME, "the DNS name of dev's load balancer", optional=True)
    ] = setting("devAliasDnsName", "", "Alias target when devEndpointMode=alias.")
    dev_alias_zone_id: Annotated[
        str, Text(ZONE_ID, "the canonical hosted zone id of dev's load balancer", optional=True)
    ] = setting("devAliasZoneId", "", "Alias target zone when devEndpointMode=alias.")
    dev_record_values: Annotated[
        tuple[str, ...], Items(Text(r"(\d{1,3}\.){3}\d{1,3}", "an IPv4 address"), 0, 8)
    ] = setting(
        "devRecordValues",
        (),
        "A-record addresses of dev when devEndpointMode=records (a CNAME cannot share a name "
        "with the green alias record).",
    )
    dev_health_check_fqdn: Annotated[str, Text(DNS_NAME, "a DNS name", optional=True)] = setting(
        "devHealthCheckFqdn", "", "Host the dev health check probes; empty means the alias or CNAME target."
    )


def delegated_before_green_runs(s: Settings) -> Iterator[Problem]:
    """Settings a real `pulumi up` needs confirmed (docs/deployability.md)."""
    if s.awaiting_delegation and s.phase_plan.green_runs:
        yield Problem(
            "zoneDelegated",
            False,
            "true before green runs (phase "
            f"{s.core.migration_phase.value!r}): the HTTPS listener needs the certificate, which "
            "validates only once the zone is delegated; `tap preflight` checks the delegation",
        )


def certificate_in_the_region(s: Settings) -> Iterator[Problem]:
    cert = s.load_balancer.certificate_arn
    if cert and cert.split(":")[3] != s.core.region:
        yield Problem(
            "certificateArn",
            cert,
            f"a certificate in {s.core.region}, the load balancer's region (ACM certificates are "
            f"regional; this one is in {cert.split(':')[3]})",
        )


def dev_endpoint_complete(s: Settings) -> Iterator[Problem]:
    """What each devEndpointMode needs to reach dev."""
    d = s.dns
    if d.dev_endpoint_mode == "alias":
        if not d.dev_alias_dns_name:
            yield Problem("devAliasDnsName", "", "dev's load balancer DNS name when devEndpointMode=alias")
        if not d.dev_alias_zone_id:
            yield Problem("devAliasZoneId", "", "dev's load balancer zone id when devEndpointMode=alias")
        return
    if not d.dev_record_values:
        yield Problem("devRecordValues", [], "at least one address when devEndpointMode=records")
    if not d.dev_health_check_fqdn:
        yield Problem(
            "devHealthCheckFqdn", "", "the host name the dev health check probes when devEndpointMode=records"
        )
    for v in d.dev_record_values:
        try:
            ipaddress.IPv4Address(v)
        except ValueError:
            yield Problem("devRecordValues", v, "IPv4 addresses for an A record")


def zone_extras_in_us_east_1(s: Settings) -> Iterator[Problem]:
    d = s.dns
    if s.creates_zone and (d.dnssec or d.query_logging) and s.core.region != "us-east-1":
        yield Problem(
            "region",
            s.core.region,
            "us-east-1 while the stack creates the zone with DNSSEC or query logging "
            "(Route53 needs their key and log group in us-east-1); or set "
            "dnssecEnabled=false and queryLoggingEnabled=false",
        )


CHECKS = [
    delegated_before_green_runs,
    certificate_in_the_region,
    dev_endpoint_complete,
    zone_extras_in_us_east_1,
]
