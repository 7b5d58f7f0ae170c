"""Zone delegation: the public DNS answers for the domain with the hosted zone's own name
servers.

A DNS-validated certificate, the weighted records and the health checks all assume that the
world asks Route53 for `{domain}`. Until the parent zone (the registrar, or the parent domain's
zone) lists the zone's name servers, nothing in the zone is visible, and ACM's validation waits
(up to 75 minutes) and fails. The question goes through dnspython to the resolvers given with
`--resolver` (default: the system's), exactly as a client would ask.
"""

from __future__ import annotations

from typing import Any

import dns.exception
import dns.nameserver
import dns.rdatatype
import dns.resolver
from botocore.exceptions import ClientError

from tap.preflight.context import PreflightContext
from tap.preflight.result import Check, CheckResult, CheckUnavailable, failed, passed, warned


def _norm(name: str) -> str:
    return name.lower().rstrip(".")


def resolver_for(ctx: PreflightContext) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=not ctx.resolvers)
    if ctx.resolvers:
        resolver.nameservers = [dns.nameserver.Do53Nameserver(a.host, a.port) for a in ctx.resolvers]
    resolver.lifetime = ctx.timeout_seconds
    resolver.timeout = min(2.0, ctx.timeout_seconds)
    return resolver


def _zone_id(ctx: PreflightContext) -> str | None:
    """The configured zone, or the one public zone of that name (the stack, or its bootstrap,
    creates it when hostedZoneId is empty)."""
    if ctx.settings.dns.hosted_zone_id:
        return ctx.settings.dns.hosted_zone_id
    domain = _norm(ctx.settings.dns.domain_name)
    listed = ctx.clients.client("route53").list_hosted_zones_by_name(DNSName=domain)["HostedZones"]
    public = [z for z in listed if _norm(z["Name"]) == domain and not z.get("Config", {}).get("PrivateZone")]
    if len(public) > 1:
        raise CheckUnavailable(
            f"{len(public)} public zones are named {domain}: set tap:hostedZoneId to the one the stack uses"
        )
    return public[0]["Id"].rsplit("/", 1)[-1] if public else None


def _ask(resolver: dns.resolver.Resolver, domain: str, rdtype: str) -> list[Any] | None:
    """The answer's records; None when the name has no such records (undelegated)."""
    try:
        return list(resolver.resolve(domain, rdtype))
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return None
    except (dns.exception.Timeout, dns.resolver.NoNameservers) as exc:
        servers = ", ".join(str(n) for n in resolver.nameservers) or "the system's"
        raise CheckUnavailable(
            f"the resolvers ({servers}) gave no usable answer for {domain} {rdtype}: {exc}"
        ) from exc


def zone_delegation(ctx: PreflightContext) -> CheckResult:
    domain = _norm(ctx.settings.dns.domain_name)
    zone_id = _zone_id(ctx)
    if zone_id is None:
        return warned(
            f"route53:ListHostedZonesByName {domain}",
            f"no public hosted zone named {domain} yet",
            "the first `pulumi up` creates it and prints its name servers: set them as NS records of "
            f"{domain} at the parent zone (registrar), then run `tap preflight` again",
        )
    try:
        zone = ctx.clients.client("route53").get_hosted_zone(Id=zone_id)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchHostedZone":
            raise
        return failed(
            f"route53:GetHostedZone {zone_id}",
            f"tap:hostedZoneId {zone_id} names no hosted zone",
            "set tap:hostedZoneId to the public zone of the domain, or leave it empty",
        )
    if "DelegationSet" not in zone:  # a private zone has none: nothing public can point at it
        return failed(
            f"route53:GetHostedZone {zone_id}",
            f"{zone_id} is a private hosted zone",
            f"use the public hosted zone of {domain}",
        )
    expected = sorted(_norm(n) for n in zone["DelegationSet"]["NameServers"])
    resolver = resolver_for(ctx)
    servers = ", ".join(str(n) for n in resolver.nameservers)
    read = f"route53:GetHostedZone {zone_id}; DNS NS and SOA of {domain} via {servers}"
    action = f"set the NS records of {domain} at the parent zone (registrar) to: {' '.join(expected)}"
    ns = _ask(resolver, domain, "NS")
    if ns is None:
        return failed(read, f"{domain} is not delegated: public DNS has no NS records for it", action)
    answered = sorted(_norm(r.target.to_text()) for r in ns)
    if answered != expected:
        return failed(
            read, f"public DNS names {', '.join(answered)}; the zone's are {', '.join(expected)}", action
        )
    soa = _ask(resolver, domain, "SOA")
    if soa is None:
        return failed(read, f"the name servers answer no SOA for {domain}", action)
    primary = _norm(soa[0].mname.to_text())
    if primary not in expected:
        return failed(
            read,
            f"the SOA's primary server is {primary}, not one of the zone's: another DNS provider answers",
            action,
        )
    return passed(read, f"delegated to {', '.join(expected)}; SOA primary {primary}")


CHECKS = (
    Check(
        "zone-delegation",
        "Public DNS (via --resolver, default the system's) answers NS/SOA of the domain with the "
        "hosted zone's own name servers.",
        zone_delegation,
        permissions=("route53:ListHostedZonesByName", "route53:GetHostedZone"),
    ),
)
