"""Found item 11: the `blue-development` record sends clients of `app.{domain}` to dev's load
balancer, so dev must present a certificate valid for that name and answer `/health` over HTTPS,
or clients fail TLS the moment the weighted records go live.

The check connects to the record's target (dev's ALB name, or each of its A-record addresses),
but speaks to it as a client of `app.{domain}` would: SNI and Host are `app.{domain}`, and the
certificate is verified against that name (stdlib ssl + http.client, no shortcuts).
"""

from __future__ import annotations

import http.client
import socket
import ssl
from datetime import UTC, datetime, timedelta

from tap.preflight.context import Address, PreflightContext
from tap.preflight.result import WHILE_DEV_IS_ROUTED, Check, CheckResult, Status, failed, passed, warned

HEALTH_PATH = "/health"
HTTPS_PORT = 443
MIN_VALIDITY = timedelta(days=30)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to one address while presenting another name (SNI) and verifying the certificate
    against that name: what a client resolving `app.{domain}` to dev experiences."""

    def __init__(self, address: Address, server_name: str, tls: ssl.SSLContext, timeout: float) -> None:
        super().__init__(address.host, address.port, timeout=timeout, context=tls)
        self._server_name = server_name
        self._tls = tls

    def connect(self) -> None:
        raw = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self._server_name)


def targets(ctx: PreflightContext) -> tuple[Address, ...]:
    if ctx.dev_endpoint is not None:
        return (ctx.dev_endpoint,)
    d = ctx.settings.dns
    if d.dev_endpoint_mode == "records":
        return tuple(Address(ip, HTTPS_PORT) for ip in d.dev_record_values)
    return (Address(d.dev_alias_dns_name, HTTPS_PORT),)


def _tls_context(ctx: PreflightContext) -> ssl.SSLContext:
    tls = ssl.create_default_context(cafile=str(ctx.ca_bundle) if ctx.ca_bundle else None)
    tls.minimum_version = ssl.TLSVersion.TLSv1_2
    return tls


def probe(ctx: PreflightContext, address: Address) -> CheckResult:
    fqdn = ctx.app_fqdn
    read = f"HTTPS GET https://{fqdn}{HEALTH_PATH} at {address} (SNI and Host {fqdn})"
    conn = _PinnedHTTPSConnection(address, fqdn, _tls_context(ctx), ctx.timeout_seconds)
    try:
        conn.connect()
        # Read before the request: an HTTP/1.0 answer closes the socket with the response.
        cert = conn.sock.getpeercert() if isinstance(conn.sock, ssl.SSLSocket) else None
        conn.request("GET", HEALTH_PATH, headers={"Host": fqdn, "User-Agent": "tap-preflight"})
        response = conn.getresponse()
        response.read(4096)
    except ssl.SSLCertVerificationError as exc:
        return failed(
            read,
            f"dev's certificate is not valid for {fqdn}: {exc.verify_message}",
            f"attach a certificate covering {fqdn} (issued by a public CA) to dev's HTTPS listener",
        )
    except (OSError, http.client.HTTPException) as exc:
        return failed(
            read,
            f"dev does not answer HTTPS on {address}: {type(exc).__name__}: {exc}",
            f"open an HTTPS listener for {fqdn} on dev's load balancer (port {HTTPS_PORT})",
        )
    finally:
        conn.close()
    if response.status != 200:
        return failed(
            read, f"{HEALTH_PATH} answered HTTP {response.status}", f"dev must answer {HEALTH_PATH} with 200"
        )
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(str(cert["notAfter"])), UTC) if cert else None
    if expires is not None and expires - ctx.now() < MIN_VALIDITY:
        return warned(
            read, f"healthy, but dev's certificate expires {expires:%Y-%m-%d}", "renew dev's certificate"
        )
    return passed(read, f"TLS valid for {fqdn}, {HEALTH_PATH} 200")


def dev_endpoint(ctx: PreflightContext) -> CheckResult:
    probed = [(a, probe(ctx, a)) for a in targets(ctx)]
    results = [r for _, r in probed]
    worst = next((r for s in (Status.FAIL, Status.WARN) for r in results if r.status is s), results[0])
    if len(results) == 1:
        return worst
    summary = "; ".join(f"{a}: {r.message}" for a, r in probed)
    return CheckResult(worst.status, f"{len(results)} dev addresses; " + worst.read, summary, worst.action)


CHECKS = (
    Check(
        "dev-endpoint",
        "Dev's endpoint (the blue-development target, or --dev-endpoint) presents a certificate "
        "valid for app.{domain} (SNI) and answers HTTPS /health with 200.",
        dev_endpoint,
        WHILE_DEV_IS_ROUTED,
        uses_aws=False,
        permissions=("none: HTTPS to dev's endpoint",),
    ),
)
