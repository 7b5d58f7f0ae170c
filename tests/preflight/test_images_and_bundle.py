"""The fleets' AMI (moto EC2/SSM, plus the pure judgement for deprecation, which moto cannot
set) and the release bundle object (moto S3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tap.aws_clients import AwsClients
from tap.emulator.registry import MOTO_AMI
from tap.preflight import images, release_bundle
from tap.preflight.result import Status
from tests.preflight import seed
from tests.preflight.conftest import MakeCtx

pytestmark = pytest.mark.moto
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_pinned_ami_is_read_from_the_setting(make_ctx: MakeCtx) -> None:
    result = images.pinned_ami(make_ctx(overrides={"amiId": MOTO_AMI}))  # an image moto ships
    assert result.status is Status.PASS and MOTO_AMI in result.read
    missing = images.pinned_ami(make_ctx(overrides={"amiId": "ami-0123456789abcdef0"}))
    assert missing.status is Status.FAIL and "does not exist" in missing.message


@pytest.mark.parametrize(
    ("image", "status"),
    [
        ({"State": "available"}, Status.PASS),
        ({"State": "available", "DeprecationTime": "2026-11-01T00:00:00.000Z"}, Status.FAIL),
        ({"State": "available", "DeprecationTime": "2026-12-10T00:00:00.000Z"}, Status.WARN),
        ({"State": "available", "DeprecationTime": "2027-06-01T00:00:00.000Z"}, Status.PASS),
        ({"State": "deregistered"}, Status.FAIL),
        (None, Status.FAIL),
    ],
)
def test_image_judgement(image: dict[str, str] | None, status: Status) -> None:
    assert images.judge_image(image, "ami-1", NOW, "read").status is status


def test_release_bundle_present_passes_and_missing_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    missing = release_bundle.release_bundle(make_ctx())
    assert missing.status is Status.FAIL and "does not exist" in missing.message
    seed.bundle(aws)
    present = release_bundle.release_bundle(make_ctx())
    assert present.status is Status.PASS and "20 bytes" in present.message
