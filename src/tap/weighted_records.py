"""The Route53 change batch that gives the two weighted `app.{domain}` record sets their
weights: one definition for the controller (`tap.migration.dns`) and the in-AWS rollback
guard's Automation document (`tap.components.rollback_guard`), so both send the same UPSERT."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from tap.errors import TapError
from tap.phase_plan import Weights
from tap.values import integer

if TYPE_CHECKING:
    from types_boto3_route53.type_defs import ChangeTypeDef, ResourceRecordSetTypeDef


def _same(value: Any) -> Any:
    return value


def planned_record_set(
    inputs: Mapping[str, Any], weight: int | None = None, swap: Callable[[Any], Any] = _same
) -> ResourceRecordSetTypeDef:
    """A planned `aws:route53/record:Record` (its inputs) as the Route53 API takes it: the
    runbook's emergency batch shows it, the emulator creates it. `weight` replaces the planned
    one; `swap` turns the plan's ids (zone, health check, alias target) into real ones."""
    rrset: ResourceRecordSetTypeDef = {"Name": inputs["name"], "Type": inputs["type"]}
    if inputs.get("setIdentifier"):
        rrset["SetIdentifier"] = inputs["setIdentifier"]
    for policy in inputs.get("weightedRoutingPolicies") or []:
        rrset["Weight"] = integer(policy.get("weight"))
    if weight is not None:
        rrset["Weight"] = weight
    aliases = inputs.get("aliases") or []
    if aliases:
        a = aliases[0]
        rrset["AliasTarget"] = {
            "HostedZoneId": swap(a.get("zoneId")),
            "DNSName": swap(a.get("name")),
            "EvaluateTargetHealth": bool(a.get("evaluateTargetHealth")),
        }
    else:
        rrset["TTL"] = integer(inputs.get("ttl") or 60)
        rrset["ResourceRecords"] = [{"Value": v} for v in inputs.get("records") or []]
    if inputs.get("healthCheckId"):
        rrset["HealthCheckId"] = swap(inputs["healthCheckId"])
    return rrset


class RecordSetMissing(TapError):
    """A weighted record set to move is not among the sets given."""


def weight_changes(
    sets: Mapping[str, Mapping[str, Any]], blue_id: str, green_id: str, weights: Weights, where: str
) -> list[ChangeTypeDef]:
    """The UPSERTs that give both sets `weights`, copying every other field as it is: an UPSERT
    replaces the whole set, and a dropped AliasTarget or HealthCheckId would silently change
    routing. Pure: the controller and the in-AWS rollback guard's document use the same batch."""
    changes: list[ChangeTypeDef] = []
    for ident, weight in ((blue_id, weights.blue), (green_id, weights.green)):
        if ident not in sets:
            raise RecordSetMissing(
                f"weighted record set {ident!r} not found in {where}; the Route53 applier only moves "
                "weights of existing records (use --applier pulumi)"
            )
        # A set as ListResourceRecordSets answers it, or as the stack exported it in that shape
        # (tap.migration.deployment checks the outputs' sets are objects keyed by identifier).
        rrset = cast("ResourceRecordSetTypeDef", copy.deepcopy(dict(sets[ident])))
        rrset["Weight"] = weight
        changes.append({"Action": "UPSERT", "ResourceRecordSet": rrset})
    return changes
