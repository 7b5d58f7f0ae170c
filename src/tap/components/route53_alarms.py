"""Alarms on Route53 health checks, in us-east-1 whatever the stack's region (SPEC R10, R20).

Route53 publishes health-check metrics (AWS/Route53 HealthCheckStatus) in us-east-1 only. An
alarm in another region gets no data, and since a silent health check is treated as failing
(`breaching`), it would block the alarm gate forever. A CloudWatch alarm can only notify an
SNS topic in its own region, and an SNS topic can only use a KMS key in its own region: so
outside us-east-1 the alarms get a topic and a customer key of their own there, with the same
subscribers (each confirms that subscription too). In us-east-1 they share the stack's topic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.components.monitoring import alarm_topic, metric_alarm
from tap.iam_documents import alarms_publish_to_topic, key_policy_document

ROUTE53_METRICS_REGION = "us-east-1"


@dataclass(frozen=True)
class HealthCheckAlarmsArgs:
    ctx: StackContext
    health_check_ids: Mapping[str, pulumi.Input[str]]
    provider: aws.Provider
    """A provider for us-east-1 (the primary one when the stack runs there)."""
    topic_arn: pulumi.Input[str] | None
    """The stack's alarm topic, usable only when the stack runs in us-east-1."""
    alarm_emails: Sequence[str]


class HealthCheckAlarms(pulumi.ComponentResource):
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    topic: aws.sns.Topic | None

    def __init__(self, name: str, args: HealthCheckAlarmsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:HealthCheckAlarms", name, None, opts)
        ctx = args.ctx
        here = pulumi.ResourceOptions(parent=self, provider=args.provider)
        self.topic = None
        topic_arn = args.topic_arn
        if topic_arn is None:
            key = aws.kms.Key(
                ctx.name("route53-alarms-kms"),
                description="Encrypts the us-east-1 topic of the Route53 health-check alarms",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                policy=key_policy_document(ctx.account_id, alarms_publish_to_topic(ctx.account_id)),
                tags={"Name": ctx.name("route53-alarms-kms")},
                opts=here,
            )
            self.topic = alarm_topic(ctx, "route53-alarms", key.arn, args.alarm_emails, here)
            topic_arn = self.topic.arn
        self.alarms = {}
        for side, check_id in args.health_check_ids.items():
            service = f"{side}-health-check"
            self.alarms[service] = metric_alarm(
                ctx,
                service,
                f"Route53 health check of {side} failing",
                # A health check that stops reporting is treated as failing: silence is not health.
                "breaching",
                topic_arn,
                here,
                namespace="AWS/Route53",
                metric_name="HealthCheckStatus",
                dimensions={"HealthCheckId": check_id},
                statistic="Minimum",
                period=60,
                evaluation_periods=2,
                threshold=1,
                comparison_operator="LessThanThreshold",
            )
        self.register_outputs({"alarm_names": [a.name for a in self.alarms.values()]})
