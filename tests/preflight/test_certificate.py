"""An existing certificate ARN (moto ACM, with certificates made in the test)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tap.aws_clients import AwsClients
from tap.preflight import certificate
from tap.preflight.result import Status
from tests.preflight.conftest import MakeCtx
from tests.preflight.tls import Ca, make_leaf

pytestmark = pytest.mark.moto
APP = "app.payments.example.com"


def _import(
    clients: AwsClients, ca: Ca, tmp: Path, names: list[str], days: int, region: str = "us-east-1"
) -> str:
    now = datetime.now(UTC)
    cert, key, _ = make_leaf(ca, tmp, names, now - timedelta(days=1), now + timedelta(days=days), "acm")
    arn: str = clients.client("acm", region=region).import_certificate(
        Certificate=cert.read_bytes(), PrivateKey=key.read_bytes(), CertificateChain=ca.pem_path.read_bytes()
    )["CertificateArn"]
    return arn


def test_issued_certificate_for_app_name_passes(
    aws: AwsClients, make_ctx: MakeCtx, ca: Ca, tmp_path: Path
) -> None:
    arn = _import(aws, ca, tmp_path, ["*.payments.example.com"], 200)
    result = certificate.certificate(make_ctx(overrides={"certificateArn": arn}))
    assert result.status is Status.PASS, result.message


def test_certificate_for_another_name_fails(
    aws: AwsClients, make_ctx: MakeCtx, ca: Ca, tmp_path: Path
) -> None:
    arn = _import(aws, ca, tmp_path, ["www.example.org"], 200)
    result = certificate.certificate(make_ctx(overrides={"certificateArn": arn}))
    assert result.status is Status.FAIL and f"not {APP}" in result.message


def test_certificate_expiring_within_30_days_fails(
    aws: AwsClients, make_ctx: MakeCtx, ca: Ca, tmp_path: Path
) -> None:
    arn = _import(aws, ca, tmp_path, [APP], 10)
    result = certificate.certificate(make_ctx(overrides={"certificateArn": arn}))
    assert result.status is Status.FAIL and "less than 30 days" in result.message


def test_pending_certificate_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    arn = aws.client("acm").request_certificate(DomainName=APP, ValidationMethod="DNS")["CertificateArn"]
    result = certificate.certificate(make_ctx(overrides={"certificateArn": arn}))
    assert result.status is Status.FAIL and "PENDING_VALIDATION" in result.message


def test_no_arn_skips(make_ctx: MakeCtx) -> None:
    assert certificate.certificate(make_ctx()).status is Status.SKIP


@pytest.mark.parametrize(
    ("pattern", "name", "ok"),
    [
        ("*.payments.example.com", APP, True),
        ("*.example.com", APP, False),  # a wildcard covers one label only
        (APP.upper(), APP, True),
        ("payments.example.com", APP, False),
    ],
)
def test_name_matching_follows_tls_rules(pattern: str, name: str, ok: bool) -> None:
    assert certificate.covers(pattern, name) is ok


def test_unknown_certificate_fails(make_ctx: MakeCtx) -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    result = certificate.certificate(make_ctx(overrides={"certificateArn": arn}))
    assert result.status is Status.FAIL and "no such certificate" in result.message
