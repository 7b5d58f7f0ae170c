"""The rollback guard's Automation document (components/rollback_guard.py declares it): one
`aws:executeAwsApi` step UPSERTs both weighted records with the rollback target's weights,
retried while Route53 throttles, and a second announces it on the alarm topic.

Pure data, so the test runs these very inputs against moto. The change batch is
`tap.weighted_records.weight_changes`: the same UPSERT the controller sends.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tap.phase_plan import Weights
from tap.weighted_records import weight_changes

if TYPE_CHECKING:
    from types_boto3_route53.type_defs import ChangeTypeDef

ROUTE53_STEP = "RollbackWeights"
ANNOUNCE_STEP = "Announce"


def normalized_record_name(fqdn: str) -> str:
    """route53:ChangeResourceRecordSetsNormalizedRecordNames wants lower case, no trailing dot
    (Route 53 developer guide, "Normalizing the Route 53 condition key values")."""
    return fqdn.rstrip(".").lower()


def api_record_set(
    name: str,
    typ: str,
    set_id: str,
    health_check_id: str | None,
    aliases: Sequence[Any] | None,
    records: Sequence[str] | None,
    ttl: float | None,
) -> dict[str, Any]:
    """A weighted record as the Route53 API holds it (without its weight)."""
    rrset: dict[str, Any] = {"Name": name, "Type": typ, "SetIdentifier": set_id}
    if health_check_id:
        rrset["HealthCheckId"] = health_check_id
    if aliases:
        a = aliases[0]

        def get(attr: str, key: str) -> Any:
            # Output types resolve to objects on the engine, to dicts in some mock renders.
            return a.get(key, a.get(attr)) if isinstance(a, Mapping) else getattr(a, attr)

        rrset["AliasTarget"] = {
            "DNSName": get("name", "name"),
            "HostedZoneId": get("zone_id", "zoneId"),
            "EvaluateTargetHealth": bool(get("evaluate_target_health", "evaluateTargetHealth")),
        }
    else:
        rrset["TTL"] = int(ttl or 0)
        rrset["ResourceRecords"] = [{"Value": v} for v in records or []]
    return rrset


def automation_content(
    *,
    zone_id: str,
    record_sets: Mapping[str, Mapping[str, Any]],
    blue_id: str,
    green_id: str,
    weights: Weights,
    topic_arn: str,
    role_arn: str,
    target_phase: str,
) -> dict[str, Any]:
    """The Automation document: exactly the controller's UPSERT, then the announcement."""
    changes = weight_changes(record_sets, blue_id, green_id, weights, f"zone {zone_id}")
    return {
        "schemaVersion": "0.3",
        "description": f"tap rollback guard: put the weights of {target_phase} back (alarm fired)",
        "assumeRole": role_arn,
        "mainSteps": [
            _rollback_step(zone_id, changes, target_phase),
            _announce_step(topic_arn, weights, target_phase),
        ],
    }


def _rollback_step(zone_id: str, changes: list[ChangeTypeDef], target_phase: str) -> dict[str, Any]:
    return {
        "name": ROUTE53_STEP,
        "action": "aws:executeAwsApi",
        # Route53 throttles at 5 requests/s and answers PriorRequestNotComplete while a
        # batch is applied: retry the idempotent UPSERT rather than give up.
        "maxAttempts": 5,
        "timeoutSeconds": 60,
        "onFailure": "step:" + ANNOUNCE_STEP,
        "inputs": {
            "Service": "route53",
            "Api": "ChangeResourceRecordSets",
            "HostedZoneId": zone_id,
            "ChangeBatch": {
                "Comment": f"tap rollback guard: weights of {target_phase}",
                "Changes": changes,
            },
        },
        "outputs": [{"Name": "ChangeId", "Selector": "$.ChangeInfo.Id", "Type": "String"}],
    }


def _announce_step(topic_arn: str, weights: Weights, target_phase: str) -> dict[str, Any]:
    message = {
        "source": "tap rollback guard",
        "weights": {"blue": weights.blue, "green": weights.green},
        "note": "an alarm fired; the guard UPSERTed the rollback weights. Run "
        "`tap migrate rollback` to record it and reconcile the stack",
    }
    return {
        "name": ANNOUNCE_STEP,
        "action": "aws:executeAwsApi",
        "maxAttempts": 3,
        "inputs": {
            "Service": "sns",
            "Api": "Publish",
            "TopicArn": topic_arn,
            "Subject": f"tap rollback guard: weights to {target_phase}",
            "Message": json.dumps(message, sort_keys=True),
        },
    }
