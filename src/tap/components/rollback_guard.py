"""The in-AWS rollback guard: green's alarms move the weights back with no controller alive.

A crashed laptop keeps the migration lock for its whole lease, and nobody watches green until
it runs out. The guard does not depend on any process: an EventBridge rule on the guarded
alarms' change to ALARM starts an SSM Automation document whose one `aws:executeAwsApi` step
UPSERTs both weighted records with the rollback target's weights (no Lambda code), and whose
second step announces it on the alarm topic. Armed only where the phase machine says
(`PhasePlan.rollback_guard_armed`: green takes traffic and the dev record exists).

Least privilege:
- EventBridge's role may start only this document (and pass only the automation role to SSM);
- the automation role may call route53:ChangeResourceRecordSets only on the one zone, only for
  the one record name, only UPSERT of A records, and sns:Publish only to the alarm topic.

The change batch is `tap.weighted_records.weight_changes`: the same UPSERT the controller sends.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.components.dns import DEV_SET_ID, GREEN_SET_ID
from tap.iam_documents import allow, document, service_trust
from tap.phases import PhasePlan, Weights, plan_for
from tap.weighted_records import weight_changes

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


def record_set_output(record: aws.route53.Record) -> pulumi.Output[dict[str, Any]]:
    return pulumi.Output.all(
        record.name,
        record.type,
        record.set_identifier,
        record.health_check_id,
        record.aliases,
        record.records,
        record.ttl,
    ).apply(lambda v: api_record_set(*v))


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
    """The Automation document: exactly the controller's UPSERT, then the announcement.
    Pure, so the test runs these very inputs against moto."""
    changes = weight_changes(record_sets, blue_id, green_id, weights, f"zone {zone_id}")
    return {
        "schemaVersion": "0.3",
        "description": f"tap rollback guard: put the weights of {target_phase} back (alarm fired)",
        "assumeRole": role_arn,
        "mainSteps": [
            {
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
            },
            {
                "name": ANNOUNCE_STEP,
                "action": "aws:executeAwsApi",
                "maxAttempts": 3,
                "inputs": {
                    "Service": "sns",
                    "Api": "Publish",
                    "TopicArn": topic_arn,
                    "Subject": f"tap rollback guard: weights to {target_phase}",
                    "Message": json.dumps(
                        {
                            "source": "tap rollback guard",
                            "weights": {"blue": weights.blue, "green": weights.green},
                            "note": "an alarm fired; the guard UPSERTed the rollback weights. Run "
                            "`tap migrate rollback` to record it and reconcile the stack",
                        },
                        sort_keys=True,
                    ),
                },
            },
        ],
    }


@dataclass(frozen=True)
class RollbackGuardArgs:
    ctx: StackContext
    zone_id: pulumi.Input[str]
    app_fqdn: str
    records: Mapping[str, aws.route53.Record]
    """Both weighted records by set identifier (blue first, then green)."""
    blue_id: str
    green_id: str
    weights: Weights
    target_phase: str
    alarm_arns: Sequence[pulumi.Input[str]]
    topic_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]


class RollbackGuard(pulumi.ComponentResource):
    def __init__(self, name: str, args: RollbackGuardArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:RollbackGuard", name, None, opts)
        ctx, child = args.ctx, pulumi.ResourceOptions(parent=self)
        zone_arn = pulumi.Output.concat("arn:aws:route53:::hostedzone/", args.zone_id)
        self.automation_role = aws.iam.Role(
            ctx.name("rollback-guard-automation"),
            assume_role_policy=service_trust("ssm.amazonaws.com", ctx.account_id),
            description="tap rollback guard: UPSERT of the two app weights only",
            opts=child,
        )
        aws.iam.RolePolicy(
            ctx.name("rollback-guard-automation"),
            role=self.automation_role.id,
            policy=document(
                allow(
                    "RollbackWeightsOnly",
                    ["route53:ChangeResourceRecordSets"],
                    [zone_arn],
                    {
                        "ForAllValues:StringEquals": {
                            "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
                                normalized_record_name(args.app_fqdn)
                            ],
                            "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
                            "route53:ChangeResourceRecordSetsRecordTypes": ["A"],
                        }
                    },
                ),
                allow("AnnounceOnAlarmTopic", ["sns:Publish"], [args.topic_arn]),
                # The topic is encrypted with the stack key: publishing needs a data key, and
                # only through SNS.
                allow(
                    "TopicKeyViaSns",
                    ["kms:GenerateDataKey*", "kms:Decrypt"],
                    [args.kms_key_arn],
                    {"StringEquals": {"kms:ViaService": f"sns.{ctx.region}.amazonaws.com"}},
                ),
            ),
            opts=child,
        )
        sets = pulumi.Output.all(*[record_set_output(r) for r in args.records.values()]).apply(
            lambda rs: dict(zip(args.records, rs, strict=True))
        )
        content = pulumi.Output.all(args.zone_id, sets, args.topic_arn, self.automation_role.arn).apply(
            lambda v: json.dumps(
                automation_content(
                    zone_id=v[0],
                    record_sets=v[1],
                    blue_id=args.blue_id,
                    green_id=args.green_id,
                    weights=args.weights,
                    topic_arn=v[2],
                    role_arn=v[3],
                    target_phase=args.target_phase,
                ),
                sort_keys=True,
            )
        )
        self.document = aws.ssm.Document(
            ctx.name("rollback-guard"),
            name=ctx.name("rollback-guard"),
            document_type="Automation",
            document_format="JSON",
            content=content,
            opts=child,
        )
        definition = ctx.arn("ssm", pulumi.Output.concat("automation-definition/", self.document.name))
        self.events_role = aws.iam.Role(
            ctx.name("rollback-guard-events"),
            assume_role_policy=service_trust("events.amazonaws.com", ctx.account_id),
            description="tap rollback guard: start the rollback automation only",
            opts=child,
        )
        aws.iam.RolePolicy(
            ctx.name("rollback-guard-events"),
            role=self.events_role.id,
            policy=document(
                allow(
                    "StartRollbackAutomation",
                    ["ssm:StartAutomationExecution"],
                    [pulumi.Output.concat(definition, ":$DEFAULT")],
                ),
                allow(
                    "PassAutomationRole",
                    ["iam:PassRole"],
                    [self.automation_role.arn],
                    {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}},
                ),
            ),
            opts=child,
        )
        self.rule = aws.cloudwatch.EventRule(
            ctx.name("rollback-guard"),
            description="A guarded green alarm went to ALARM: roll the weights back in AWS",
            event_pattern=pulumi.Output.all(*args.alarm_arns).apply(
                lambda arns: json.dumps(
                    {
                        "source": ["aws.cloudwatch"],
                        "detail-type": ["CloudWatch Alarm State Change"],
                        "resources": list(arns),
                        "detail": {"state": {"value": ["ALARM"]}},
                    }
                )
            ),
            opts=child,
        )
        self.target = aws.cloudwatch.EventTarget(
            ctx.name("rollback-guard"),
            rule=self.rule.name,
            arn=definition,
            role_arn=self.events_role.arn,
            opts=child,
        )
        self.register_outputs({"document_name": self.document.name})


# The alarms that implicate green (the ALB's view of the green target group), in the stack's
# region: EventBridge sees alarm state changes only in the region the alarm lives in.
GUARDED_ALARMS = ("green-5xx-rate", "green-p99-latency", "green-unhealthy-hosts")


def rollback_guard(
    ctx: StackContext,
    plan: PhasePlan,
    zone: Any,
    records: Any,
    monitoring: Any,
    kms_key_arn: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> RollbackGuard | None:
    """The guard where the phase machine arms it, else None (stack.py wires it here)."""
    if not plan.rollback_guard_armed or plan.rollback_target is None or records.dev_record is None:
        return None
    target = plan_for(plan.rollback_target, ctx.settings.fleet_sizes)
    return RollbackGuard(
        "rollback-guard",
        RollbackGuardArgs(
            ctx=ctx,
            zone_id=zone.zone_id,
            app_fqdn=zone.app_fqdn,
            records={DEV_SET_ID: records.dev_record, GREEN_SET_ID: records.green_record},
            blue_id=DEV_SET_ID,
            green_id=GREEN_SET_ID,
            weights=target.weights,
            target_phase=target.phase.value,
            alarm_arns=[monitoring.alarms[k].arn for k in GUARDED_ALARMS if k in monitoring.alarms],
            topic_arn=monitoring.topic.arn,
            kms_key_arn=kms_key_arn,
        ),
        opts,
    )
