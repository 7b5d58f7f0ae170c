"""The account baseline an assessor asks for first (SPEC R19; PCI DSS 10.2, 10.7, 11.5; FSBP
CloudTrail.1/.2/.4, GuardDuty.1, Config.1, SecurityHub.1): read, never created.

Organisations run CloudTrail, GuardDuty, AWS Config and Security Hub from a central security
account (an organisation trail, a delegated administrator), so this stack checks them and does
not create them: a second, stack-owned trail or recorder would duplicate cost and findings and
fight the central configuration. That is why there is no "create the missing ones" setting.

Each check reads the region's API and reports present, absent or misconfigured with what it
read; "unreadable" means the read itself failed (permissions, or an API the endpoint lacks), so
nothing is claimed. The judgements are pure functions of the API responses, so they are tested
on the shapes AWS returns as well as against moto server.

`account_baseline(clients)` is what `tap verify --live` and `tap preflight` call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tap.aws_clients import AwsClients
from tap.jsonable import fields_json

FSBP_STANDARD = "standards/aws-foundational-security-best-practices/v/1.0.0"
PCI_V4_STANDARD = "standards/pci-dss/v/4."  # 4.0.1 today; any 4.x is PCI DSS v4
NOT_ENABLED_CODES = {"InvalidAccessException", "ResourceNotFoundException"}


class Status(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    MISCONFIGURED = "misconfigured"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class BaselineResult:
    check: str
    status: Status
    detail: str
    read: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is Status.PRESENT

    def as_json(self) -> dict[str, Any]:
        return fields_json(self)


# ---- pure judgements of what the APIs returned ------------------------------------------------
def trail_gaps(trail: Mapping[str, Any], status: Mapping[str, Any]) -> list[str]:
    gaps = []
    if not trail.get("IsMultiRegionTrail"):
        gaps.append("not multi-region")
    if not trail.get("LogFileValidationEnabled"):
        gaps.append("log file validation off")
    if not trail.get("KmsKeyId"):
        gaps.append("not encrypted with a KMS key")
    if not status.get("IsLogging"):
        gaps.append("not logging")
    return gaps


def judge_cloudtrail(
    trails: Sequence[Mapping[str, Any]], statuses: Mapping[str, Mapping[str, Any]]
) -> BaselineResult:
    """Present when at least one trail is multi-region, validates log files, uses KMS and logs."""
    name = "cloudtrail"
    if not trails:
        return BaselineResult(name, Status.ABSENT, "no trail in this region's view", {"trails": []})
    gaps = {t.get("Name", "?"): trail_gaps(t, statuses.get(t.get("TrailARN", ""), {})) for t in trails}
    read = {"trails": {n: g or ["ok"] for n, g in gaps.items()}}
    good = [n for n, g in gaps.items() if not g]
    if good:
        return BaselineResult(
            name, Status.PRESENT, f"trail {good[0]} is multi-region, validated, KMS, logging", read
        )
    summary = "; ".join(f"{n}: {', '.join(g)}" for n, g in gaps.items())
    return BaselineResult(name, Status.MISCONFIGURED, summary, read)


def judge_guardduty(detectors: Mapping[str, Mapping[str, Any]]) -> BaselineResult:
    name = "guardduty"
    if not detectors:
        return BaselineResult(name, Status.ABSENT, "no detector in this region", {"detectors": {}})
    read = {"detectors": {d: v.get("Status") for d, v in detectors.items()}}
    if any(v.get("Status") == "ENABLED" for v in detectors.values()):
        return BaselineResult(name, Status.PRESENT, "a detector is ENABLED", read)
    return BaselineResult(name, Status.MISCONFIGURED, "detectors exist but none is ENABLED", read)


def judge_config(
    recorders: Sequence[Mapping[str, Any]],
    statuses: Sequence[Mapping[str, Any]],
    channels: Sequence[Mapping[str, Any]],
) -> BaselineResult:
    name = "config"
    read = {
        "recorders": [r.get("name") for r in recorders],
        "recording": {s.get("name"): s.get("recording") for s in statuses},
        "delivery_channels": [c.get("name") for c in channels],
    }
    if not recorders:
        return BaselineResult(name, Status.ABSENT, "no configuration recorder", read)
    gaps = []
    if not any(s.get("recording") for s in statuses):
        gaps.append("the recorder is not recording")
    if not channels:
        gaps.append("no delivery channel (configuration items go nowhere)")
    if gaps:
        return BaselineResult(name, Status.MISCONFIGURED, "; ".join(gaps), read)
    return BaselineResult(name, Status.PRESENT, "recording, with a delivery channel", read)


def judge_security_hub(
    hub: Mapping[str, Any] | None, subscriptions: Sequence[Mapping[str, Any]]
) -> BaselineResult:
    """Present when the hub is on and both the FSBP and a PCI DSS v4 standard are READY."""
    name = "securityhub"
    if hub is None:
        return BaselineResult(name, Status.ABSENT, "Security Hub is not enabled", {})
    ready = [s.get("StandardsArn", "") for s in subscriptions if s.get("StandardsStatus") == "READY"]
    read = {
        "hub": hub.get("HubArn"),
        "standards": {s.get("StandardsArn"): s.get("StandardsStatus") for s in subscriptions},
    }
    missing = [
        label
        for label, marker in (("AWS FSBP v1.0.0", FSBP_STANDARD), ("PCI DSS v4", PCI_V4_STANDARD))
        if not any(marker in arn for arn in ready)
    ]
    if missing:
        return BaselineResult(
            name, Status.MISCONFIGURED, f"standard(s) not enabled and ready: {', '.join(missing)}", read
        )
    return BaselineResult(name, Status.PRESENT, "enabled with AWS FSBP and PCI DSS v4 ready", read)


# ---- reads ------------------------------------------------------------------------------------
def _guarded(name: str, read: Callable[[], BaselineResult]) -> BaselineResult:
    try:
        return read()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "?")
        message = str(error.get("Message", "")).splitlines()[0][:160] if error.get("Message") else ""
        return BaselineResult(name, Status.UNREADABLE, f"could not read ({code}): {message}".rstrip(": "))
    except BotoCoreError as exc:
        return BaselineResult(name, Status.UNREADABLE, f"could not read: {exc}")


def check_cloudtrail(clients: AwsClients) -> BaselineResult:
    ct = clients.client("cloudtrail")

    def read() -> BaselineResult:
        trails = ct.describe_trails(includeShadowTrails=True)["trailList"]
        statuses = {t["TrailARN"]: ct.get_trail_status(Name=t["TrailARN"]) for t in trails}
        return judge_cloudtrail(trails, statuses)

    return _guarded("cloudtrail", read)


def check_guardduty(clients: AwsClients) -> BaselineResult:
    gd = clients.client("guardduty")

    def read() -> BaselineResult:
        ids = gd.list_detectors()["DetectorIds"]
        return judge_guardduty({d: gd.get_detector(DetectorId=d) for d in ids})

    return _guarded("guardduty", read)


def check_config(clients: AwsClients) -> BaselineResult:
    cfg = clients.client("config")

    def read() -> BaselineResult:
        return judge_config(
            cfg.describe_configuration_recorders()["ConfigurationRecorders"],
            cfg.describe_configuration_recorder_status()["ConfigurationRecordersStatus"],
            cfg.describe_delivery_channels()["DeliveryChannels"],
        )

    return _guarded("config", read)


def check_security_hub(clients: AwsClients) -> BaselineResult:
    sh = clients.client("securityhub")

    def read() -> BaselineResult:
        try:
            hub = sh.describe_hub()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in NOT_ENABLED_CODES:
                return judge_security_hub(None, [])
            raise
        return judge_security_hub(hub, sh.get_enabled_standards()["StandardsSubscriptions"])

    return _guarded("securityhub", read)


CHECKS: tuple[Callable[[AwsClients], BaselineResult], ...] = (
    check_cloudtrail,
    check_guardduty,
    check_config,
    check_security_hub,
)


def account_baseline(clients: AwsClients) -> tuple[BaselineResult, ...]:
    """Every baseline check in the clients' region, in a fixed order."""
    return tuple(check(clients) for check in CHECKS)
