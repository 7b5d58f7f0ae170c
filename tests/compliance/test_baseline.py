"""SPEC R19: the account baseline, read against moto server (CloudTrail, GuardDuty, Config and
Security Hub's hub), each present, absent or misconfigured with what was read. moto 5.2.5 has no
GetEnabledStandards, so the Security Hub standards judgement is tested on the response shape
AWS documents, and on moto the standards read is reported as unreadable, never as present."""

from __future__ import annotations

from typing import Any

import pytest

from tap.aws_clients import AwsClients
from tap.live.baseline import (
    Status,
    account_baseline,
    check_cloudtrail,
    check_config,
    check_guardduty,
    check_security_hub,
    judge_security_hub,
)

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def _trail(clients: AwsClients, **overrides: Any) -> None:
    clients.client("s3").create_bucket(Bucket="org-trail")
    args = {
        "Name": "org-trail",
        "S3BucketName": "org-trail",
        "IsMultiRegionTrail": True,
        "EnableLogFileValidation": True,
        "KmsKeyId": KEY,
        **overrides,
    }
    clients.client("cloudtrail").create_trail(**{k: v for k, v in args.items() if v is not None})


def _recorder(clients: AwsClients, *, channel: bool = True, start: bool = True) -> None:
    cfg = clients.client("config")
    cfg.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/config",
            "recordingGroup": {"allSupported": True},
        }
    )
    if channel:
        clients.client("s3").create_bucket(Bucket="config-items")
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-items"})
    if start:
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")


def test_r19_an_empty_account_has_every_part_of_the_baseline_absent(moto_clients: AwsClients) -> None:
    results = {r.check: r for r in account_baseline(moto_clients)}
    assert {c: r.status for c, r in results.items()} == {
        "cloudtrail": Status.ABSENT,
        "guardduty": Status.ABSENT,
        "config": Status.ABSENT,
        "securityhub": Status.ABSENT,
    }
    assert not any(r.ok for r in results.values())


def test_r19_a_compliant_trail_detector_and_recorder_are_present(moto_clients: AwsClients) -> None:
    _trail(moto_clients)
    moto_clients.client("cloudtrail").start_logging(Name="org-trail")
    moto_clients.client("guardduty").create_detector(Enable=True)
    _recorder(moto_clients)
    for check in (check_cloudtrail, check_guardduty, check_config):
        result = check(moto_clients)
        assert result.status is Status.PRESENT, result
    assert check_cloudtrail(moto_clients).read == {"trails": {"org-trail": ["ok"]}}


@pytest.mark.parametrize(
    ("overrides", "start", "gap"),
    [
        ({"EnableLogFileValidation": False}, True, "log file validation off"),
        ({"KmsKeyId": None}, True, "not encrypted with a KMS key"),
        ({"IsMultiRegionTrail": False}, True, "not multi-region"),
        ({}, False, "not logging"),
    ],
)
def test_r19_a_trail_short_of_the_baseline_is_misconfigured_saying_what_lacks(
    moto_clients: AwsClients, overrides: dict[str, Any], start: bool, gap: str
) -> None:
    _trail(moto_clients, **overrides)
    if start:
        moto_clients.client("cloudtrail").start_logging(Name="org-trail")
    result = check_cloudtrail(moto_clients)
    assert result.status is Status.MISCONFIGURED and gap in result.detail


def test_r19_a_disabled_detector_is_misconfigured(moto_clients: AwsClients) -> None:
    moto_clients.client("guardduty").create_detector(Enable=False)
    result = check_guardduty(moto_clients)
    assert result.status is Status.MISCONFIGURED and "DISABLED" in str(result.read)


@pytest.mark.parametrize(
    ("channel", "start", "gap"),
    [(True, False, "not recording"), (False, False, "no delivery channel")],
)
def test_r19_a_recorder_that_does_not_record_or_deliver_is_misconfigured(
    moto_clients: AwsClients, channel: bool, start: bool, gap: str
) -> None:
    _recorder(moto_clients, channel=channel, start=start)
    result = check_config(moto_clients)
    assert result.status is Status.MISCONFIGURED and gap in result.detail


def test_r19_security_hub_on_moto_is_unreadable_not_present(moto_clients: AwsClients) -> None:
    """moto answers GetEnabledStandards with 404: the check must not claim the standards."""
    moto_clients.client("securityhub").enable_security_hub(EnableDefaultStandards=False)
    result = check_security_hub(moto_clients)
    assert result.status is Status.UNREADABLE and "404" in result.detail


HUB = {"HubArn": "arn:aws:securityhub:us-east-1:123456789012:hub/default"}
FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
PCI4 = "arn:aws:securityhub:us-east-1::standards/pci-dss/v/4.0.1"
PCI3 = "arn:aws:securityhub:::ruleset/pci-dss/v/3.2.1"


def _subs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"StandardsArn": arn, "StandardsStatus": status} for arn, status in pairs]


def test_r19_security_hub_with_fsbp_and_pci_v4_ready_is_present() -> None:
    result = judge_security_hub(HUB, _subs((FSBP, "READY"), (PCI4, "READY")))
    assert result.status is Status.PRESENT


@pytest.mark.parametrize(
    ("subs", "missing"),
    [
        (_subs((FSBP, "READY")), "PCI DSS v4"),
        (_subs((FSBP, "READY"), (PCI3, "READY")), "PCI DSS v4"),  # v3.2.1 is not v4
        (_subs((FSBP, "INCOMPLETE"), (PCI4, "READY")), "AWS FSBP"),
        ([], "AWS FSBP v1.0.0, PCI DSS v4"),
    ],
)
def test_r19_security_hub_without_both_standards_ready_is_misconfigured(
    subs: list[dict[str, str]], missing: str
) -> None:
    result = judge_security_hub(HUB, subs)
    assert result.status is Status.MISCONFIGURED and missing in result.detail
