"""An existing certificate (tap:certificateArn): usable by the production load balancer for
`app.{domain}` for the whole migration.

An ALB accepts only a certificate from its own region; anything but ISSUED cannot be attached;
and a certificate that expires mid-migration takes the service down with it (an imported
certificate is never renewed by ACM).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from botocore.exceptions import ClientError

from tap.preflight.context import PreflightContext
from tap.preflight.result import Check, CheckResult, failed, passed, skipped

MIN_VALIDITY = timedelta(days=30)


def covers(pattern: str, fqdn: str) -> bool:
    """DNS-name matching as TLS clients do it: a wildcard covers exactly one leftmost label."""
    pattern, fqdn = pattern.lower().rstrip("."), fqdn.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = fqdn.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == fqdn


def certificate(ctx: PreflightContext) -> CheckResult:
    arn = ctx.settings.load_balancer.certificate_arn
    if not arn:
        return skipped(
            "tap:certificateArn",
            "no certificate ARN given: the stack requests a DNS-validated one (it validates once "
            "zone-delegation passes)",
        )
    region = arn.split(":")[3]
    read = f"acm:DescribeCertificate {arn}"
    if region != ctx.settings.core.region:
        return failed(
            read,
            f"the certificate is in {region}; the load balancer is in {ctx.settings.core.region}, and an "
            "ALB can only use a certificate from its own region",
            f"request or import a certificate for {ctx.app_fqdn} in {ctx.settings.core.region}",
        )
    try:
        cert = ctx.clients.client("acm", region=region).describe_certificate(CertificateArn=arn)[
            "Certificate"
        ]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
        return failed(read, "no such certificate in this account", "fix tap:certificateArn")
    status = cert.get("Status")
    if status != "ISSUED":
        return failed(
            read, f"status is {status}, not ISSUED", "finish validation or use an issued certificate"
        )
    names = [cert.get("DomainName", ""), *(cert.get("SubjectAlternativeNames") or [])]
    if not any(covers(n, ctx.app_fqdn) for n in names):
        return failed(
            read,
            f"covers {', '.join(sorted(set(names)))}, not {ctx.app_fqdn}",
            f"use a certificate whose names include {ctx.app_fqdn} (or *.{ctx.settings.dns.domain_name})",
        )
    not_after: datetime = cert["NotAfter"]
    left = not_after - ctx.now()
    if left < MIN_VALIDITY:
        return failed(
            read,
            f"expires {not_after:%Y-%m-%d} ({left.days} days): less than {MIN_VALIDITY.days} days",
            "renew or re-import it before the migration starts",
        )
    return passed(
        read, f"ISSUED for {ctx.app_fqdn}, valid until {not_after:%Y-%m-%d}, same region as the ALB"
    )


CHECKS = (
    Check(
        "certificate",
        "tap:certificateArn (if set): same region as the ALB, ISSUED, covers app.{domain}, valid >= 30 days.",
        certificate,
        permissions=("acm:DescribeCertificate",),
    ),
)
