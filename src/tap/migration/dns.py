"""The two weighted `app.{domain}` records in Route53: read their weights back, change only
their weights, and wait until the change is on every authoritative server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tap.jsonable import fields_json
from tap.migration.aws_faults import AwsFailure, retryable
from tap.migration.clock import Clock
from tap.migration.deployment import Deployment
from tap.migration.errors import ApplyFailed
from tap.phase_plan import Weights
from tap.weighted_records import RecordSetMissing, weight_changes

if TYPE_CHECKING:
    from types_boto3_route53.client import Route53Client
    from types_boto3_route53.type_defs import (
        ListResourceRecordSetsRequestTypeDef,
        ResourceRecordSetOutputTypeDef,
    )

INSYNC_POLL_SECONDS = 5


@dataclass(frozen=True)
class ObservedWeights:
    """Weights as Route53 answers them; None where the record set does not exist."""

    blue: int | None
    green: int | None

    def matches(self, blue: int | None, green: int) -> bool:
        return self.blue == blue and self.green == green

    def as_json(self) -> dict[str, int | None]:
        return fields_json(self)


def _record_sets(route53: Route53Client, dep: Deployment) -> dict[str, ResourceRecordSetOutputTypeDef]:
    """The weighted sets at app_fqdn keyed by SetIdentifier (both A and AAAA would share ids;
    the stack creates one type, so the first seen wins)."""
    found: dict[str, ResourceRecordSetOutputTypeDef] = {}
    # No paginator here: botocore's takes the start name only as an opaque resume token.
    kwargs: ListResourceRecordSetsRequestTypeDef = {
        "HostedZoneId": dep.hosted_zone_id,
        "StartRecordName": dep.app_fqdn,
    }
    while True:
        page = route53.list_resource_record_sets(**kwargs)
        for rrset in page["ResourceRecordSets"]:
            # Listing starts at the name but continues past it: stop at the first other name.
            if rrset["Name"].rstrip(".").lower() != dep.app_fqdn.rstrip(".").lower():
                return found
            ident = rrset.get("SetIdentifier")
            if ident is not None and "Weight" in rrset:
                found.setdefault(ident, rrset)
        if not page.get("IsTruncated"):
            return found
        kwargs = {
            "HostedZoneId": dep.hosted_zone_id,
            "StartRecordName": page["NextRecordName"],
            "StartRecordType": page["NextRecordType"],
        }
        if page.get("NextRecordIdentifier"):
            kwargs["StartRecordIdentifier"] = page["NextRecordIdentifier"]


def read_weights(route53: Route53Client, dep: Deployment) -> ObservedWeights:
    sets = _record_sets(route53, dep)

    def weight(ident: str) -> int | None:
        rrset = sets.get(ident)
        return int(rrset["Weight"]) if rrset is not None else None

    return ObservedWeights(blue=weight(dep.dev_record_id), green=weight(dep.green_record_id))


def upsert_weights(
    route53: Route53Client,
    dep: Deployment,
    weights: Weights,
    comment: str,
    known: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """UPSERT both sets in one change batch (Route53 applies a batch atomically, so clients never
    see a half-moved split). `known`: the record sets from the stack outputs, so a rollback needs
    no list call; without them the sets are listed first."""
    sets = known if known is not None else _record_sets(route53, dep)
    where = "the outputs' weighted_record_sets" if known is not None else f"zone {dep.hosted_zone_id}"
    try:
        changes = weight_changes(
            sets, dep.dev_record_id, dep.green_record_id, weights, f"{dep.app_fqdn} ({where})"
        )
    except RecordSetMissing as exc:
        raise ApplyFailed(str(exc)) from exc
    response = route53.change_resource_record_sets(
        HostedZoneId=dep.hosted_zone_id, ChangeBatch={"Comment": comment[:256], "Changes": changes}
    )
    return str(response["ChangeInfo"]["Id"])


def wait_insync(route53: Route53Client, change_id: str, clock: Clock, timeout_seconds: float) -> float:
    """Poll GetChange until INSYNC; returns the seconds waited. PENDING past the timeout is an
    error: the weights may not be served yet, and nobody should judge a phase on them. A
    GetChange that fails transiently (5xx, throttling, a reset) is polled again: the change was
    accepted, only the answer about it is late."""
    started = clock.now()
    status, problem = "PENDING", ""
    while True:
        try:
            status = route53.get_change(Id=change_id)["ChangeInfo"]["Status"]
        except AwsFailure as exc:
            if not retryable(exc):
                raise
            problem = f" (GetChange: {exc})"
        waited = (clock.now() - started).total_seconds()
        if status == "INSYNC":
            return waited
        if waited >= timeout_seconds:
            raise ApplyFailed(
                f"Route53 change {change_id} still {status} after {waited:.0f} s{problem}: Route53 "
                "accepted the weights but has not confirmed that all its servers answer with them; "
                f"check `aws route53 get-change --id {change_id}` and Route 53 on the AWS Health Dashboard"
            )
        clock.sleep(INSYNC_POLL_SECONDS)
