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

The document itself is components/rollback_automation.py (pure data).
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
from tap.components.rollback_automation import api_record_set, automation_content, normalized_record_name
from tap.iam_documents import allow, document, service_trust
from tap.phase_plan import PhasePlan, Weights, plan_for


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
        ctx = args.ctx
        self.automation_role = self._automation_role(ctx, args)
        self.document = self._document(ctx, args)
        definition = ctx.arn("ssm", pulumi.Output.concat("automation-definition/", self.document.name))
        self.events_role = self._events_role(ctx, definition)
        self.rule = aws.cloudwatch.EventRule(
            ctx.name("rollback-guard"),
            description="A guarded green alarm went to ALARM: roll the weights back in AWS",
            event_pattern=pulumi.Output.all(*args.alarm_arns).apply(alarm_pattern),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.target = aws.cloudwatch.EventTarget(
            ctx.name("rollback-guard"),
            rule=self.rule.name,
            arn=definition,
            role_arn=self.events_role.arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"document_name": self.document.name})

    def _automation_role(self, ctx: StackContext, args: RollbackGuardArgs) -> aws.iam.Role:
        """What the document runs as: UPSERT of A records of the one name in the one zone, and
        a publish to the alarm topic (through SNS, with the stack key)."""
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            ctx.name("rollback-guard-automation"),
            assume_role_policy=service_trust("ssm.amazonaws.com", ctx.account_id),
            description="tap rollback guard: UPSERT of the two app weights only",
            opts=child,
        )
        zone_arn = pulumi.Output.concat("arn:aws:route53:::hostedzone/", args.zone_id)
        only_these_weights = {
            "ForAllValues:StringEquals": {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
                    normalized_record_name(args.app_fqdn)
                ],
                "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
                "route53:ChangeResourceRecordSetsRecordTypes": ["A"],
            }
        }
        aws.iam.RolePolicy(
            ctx.name("rollback-guard-automation"),
            role=role.id,
            policy=document(
                allow(
                    "RollbackWeightsOnly",
                    ["route53:ChangeResourceRecordSets"],
                    [zone_arn],
                    only_these_weights,
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
        return role

    def _document(self, ctx: StackContext, args: RollbackGuardArgs) -> aws.ssm.Document:
        """The Automation document, built from the records as Route53 holds them."""
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
        return aws.ssm.Document(
            ctx.name("rollback-guard"),
            name=ctx.name("rollback-guard"),
            document_type="Automation",
            document_format="JSON",
            content=content,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _events_role(self, ctx: StackContext, definition: pulumi.Output[str]) -> aws.iam.Role:
        """What EventBridge runs as: start this document, and pass only the automation role."""
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            ctx.name("rollback-guard-events"),
            assume_role_policy=service_trust("events.amazonaws.com", ctx.account_id),
            description="tap rollback guard: start the rollback automation only",
            opts=child,
        )
        aws.iam.RolePolicy(
            ctx.name("rollback-guard-events"),
            role=role.id,
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
        return role


def alarm_pattern(alarm_arns: Sequence[str]) -> str:
    """The EventBridge pattern: any of these alarms changing to ALARM."""
    return json.dumps(
        {
            "source": ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            "resources": list(alarm_arns),
            "detail": {"state": {"value": ["ALARM"]}},
        }
    )


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
