"""Found item 11: dev's endpoint, played by a local HTTPS server on 127.0.0.1 with certificates
made in the test. The check connects to the address but sends SNI and Host app.{domain}."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tap.phases import Phase
from tap.preflight import dev_endpoint
from tap.preflight.context import Address, PreflightContext
from tap.preflight.result import Status
from tap.preflight.runner import run_one
from tests.preflight.conftest import MakeCtx
from tests.preflight.tls import Ca, https_server, make_leaf

APP = "app.payments.example.com"
NOW = datetime.now(UTC)


@contextmanager
def _dev(
    ca: Ca, tmp: Path, names: list[str], days: int = 200, health: int = 200, start: int = -1
) -> Iterator[tuple[int, list[str]]]:
    cert, key, _ = make_leaf(ca, tmp, names, NOW + timedelta(days=start), NOW + timedelta(days=days), "dev")
    with https_server(cert, key, health) as served:
        yield served


def _ctx(make_ctx: MakeCtx, ca: Ca, port: int, **kw: object) -> PreflightContext:
    return make_ctx(dev_endpoint=Address("127.0.0.1", port), ca_bundle=ca.pem_path, timeout_seconds=2.0, **kw)


def test_valid_certificate_and_healthy_passes_with_sni_and_host(
    make_ctx: MakeCtx, ca: Ca, tmp_path: Path
) -> None:
    with _dev(ca, tmp_path, [APP]) as (port, hosts):
        result = dev_endpoint.dev_endpoint(_ctx(make_ctx, ca, port))
    assert result.status is Status.PASS, result.message
    assert hosts == [APP]


def test_certificate_for_another_name_fails(make_ctx: MakeCtx, ca: Ca, tmp_path: Path) -> None:
    with _dev(ca, tmp_path, ["payments-dev-alb.example.net"]) as (port, _):
        result = dev_endpoint.dev_endpoint(_ctx(make_ctx, ca, port))
    assert result.status is Status.FAIL
    assert (
        "not valid for app.payments.example.com" in result.message and "Hostname mismatch" in result.message
    )


def test_expired_certificate_fails(make_ctx: MakeCtx, ca: Ca, tmp_path: Path) -> None:
    with _dev(ca, tmp_path, [APP], days=-1, start=-30) as (port, _):
        result = dev_endpoint.dev_endpoint(_ctx(make_ctx, ca, port))
    assert result.status is Status.FAIL and "expired" in result.message


def test_untrusted_issuer_fails_without_the_ca_bundle(make_ctx: MakeCtx, ca: Ca, tmp_path: Path) -> None:
    with _dev(ca, tmp_path, [APP]) as (port, _):
        result = dev_endpoint.dev_endpoint(
            make_ctx(dev_endpoint=Address("127.0.0.1", port), timeout_seconds=2.0)
        )
    assert result.status is Status.FAIL and "issuer" in result.message  # the system store lacks the test CA


def test_health_500_fails(make_ctx: MakeCtx, ca: Ca, tmp_path: Path) -> None:
    with _dev(ca, tmp_path, [APP], health=500) as (port, _):
        result = dev_endpoint.dev_endpoint(_ctx(make_ctx, ca, port))
    assert result.status is Status.FAIL and "HTTP 500" in result.message


def test_certificate_expiring_soon_warns(make_ctx: MakeCtx, ca: Ca, tmp_path: Path) -> None:
    with _dev(ca, tmp_path, [APP], days=10) as (port, _):
        result = dev_endpoint.dev_endpoint(_ctx(make_ctx, ca, port))
    assert result.status is Status.WARN


def test_nothing_listening_fails(make_ctx: MakeCtx, ca: Ca, tmp_path: Path) -> None:
    with _dev(ca, tmp_path, [APP]) as (port, _):
        pass  # stopped: the port is closed now
    result = dev_endpoint.dev_endpoint(_ctx(make_ctx, ca, port))
    assert result.status is Status.FAIL and "does not answer HTTPS" in result.message


def test_records_mode_probes_every_address(make_ctx: MakeCtx, ca: Ca, tmp_path: Path) -> None:
    ctx = make_ctx(
        overrides={
            "devEndpointMode": "records",
            "devRecordValues": ["192.0.2.10", "192.0.2.11"],
            "devHealthCheckFqdn": "dev.payments.example.com",
        },
    )
    assert dev_endpoint.targets(ctx) == (Address("192.0.2.10", 443), Address("192.0.2.11", 443))


def test_skipped_once_the_dev_record_is_gone(make_ctx: MakeCtx) -> None:
    ctx = make_ctx(phase=Phase.COMPLETE, overrides={})
    result = run_one(dev_endpoint.CHECKS[0], ctx)
    assert result.status is Status.SKIP and "blue-development record is removed" in result.message
