"""Monitoring (SPEC R10): the alarm topic, the alarms the cutover is judged by, and a dashboard.

Every alarm notifies the topic when it fires and when it clears, and states what missing data
means for it: silence from a fleet with no instances is fine (`notBreaching`); silence from the
database or a health check is not (`breaching`). The green 5xx-rate and p99 alarms use 60-second
periods because the migration controller gates on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.components.dashboard import cutover_dashboard

GIB = 1024**3


@dataclass(frozen=True)
class MonitoringArgs:
    ctx: StackContext
    kms_key_arn: pulumi.Input[str]
    alb_arn_suffix: pulumi.Input[str]
    target_group_arn_suffixes: Mapping[str, pulumi.Input[str]]
    asg_names: Mapping[str, pulumi.Input[str]]
    db_instance_identifier: pulumi.Input[str] | None


def alarm_topic(
    ctx: StackContext,
    base: str,
    kms_key_arn: pulumi.Input[str],
    emails: Sequence[str],
    opts: pulumi.ResourceOptions,
) -> aws.sns.Topic:
    """A KMS-encrypted alarm topic with its e-mail subscriptions (each subscriber confirms)."""
    topic = aws.sns.Topic(
        ctx.name(base),
        name=ctx.name(base),
        kms_master_key_id=kms_key_arn,
        tags={"Name": ctx.name(base)},
        opts=opts,
    )
    for i, email in enumerate(emails):
        aws.sns.TopicSubscription(
            ctx.name(f"{base}-email-{i}"), topic=topic.arn, protocol="email", endpoint=email, opts=opts
        )
    return topic


class Monitoring(pulumi.ComponentResource):
    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:Monitoring", name, None, opts)
        ctx, child = args.ctx, pulumi.ResourceOptions(parent=self)
        self.topic = alarm_topic(ctx, "alarms", args.kms_key_arn, ctx.settings.monitoring.alarm_emails, child)
        self.alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        self._fleet_alarms(ctx, args.asg_names)
        self._green_alarms(
            ctx, {"TargetGroup": args.target_group_arn_suffixes["green"], "LoadBalancer": args.alb_arn_suffix}
        )
        if args.db_instance_identifier is not None:
            self._database_alarms(ctx, {"DBInstanceIdentifier": args.db_instance_identifier})
        # Route53 health-check alarms live in tap.components.route53_alarms: us-east-1 only.
        self.dashboard = aws.cloudwatch.Dashboard(
            ctx.name("cutover-dashboard"),
            dashboard_name=ctx.name("cutover"),
            dashboard_body=cutover_dashboard(
                ctx.region,
                args.alb_arn_suffix,
                args.target_group_arn_suffixes,
                args.asg_names,
                args.db_instance_identifier,
            ),
            opts=child,
        )
        self.register_outputs({"topic_arn": self.topic.arn})

    def _fleet_alarms(self, ctx: StackContext, asg_names: Mapping[str, pulumi.Input[str]]) -> None:
        m = ctx.settings.monitoring
        for colour, asg in asg_names.items():
            self._alarm(
                ctx,
                f"{colour}-cpu",
                f"{colour} fleet average CPU above {m.cpu_threshold_percent}% for 10 minutes",
                "notBreaching",
                namespace="AWS/EC2",
                metric_name="CPUUtilization",
                dimensions={"AutoScalingGroupName": asg},
                statistic="Average",
                period=300,
                evaluation_periods=2,
                threshold=m.cpu_threshold_percent,
                comparison_operator="GreaterThanThreshold",
            )

    def _green_alarms(self, ctx: StackContext, green_tg: dict[str, pulumi.Input[str]]) -> None:
        """What the cutover is judged by: green's targets, errors and latency as the ALB sees them."""
        m = ctx.settings.monitoring
        # An empty target group reports nothing; that is not an unhealthy one.
        self._alarm(
            ctx,
            "green-unhealthy-hosts",
            f"{m.unhealthy_hosts_threshold} or more green targets failing /health",
            "notBreaching",
            namespace="AWS/ApplicationELB",
            metric_name="UnHealthyHostCount",
            dimensions=green_tg,
            statistic="Maximum",
            period=60,
            evaluation_periods=1,
            threshold=m.unhealthy_hosts_threshold,
            comparison_operator="GreaterThanOrEqualToThreshold",
        )
        # No requests means no errors: the rate is defined as 0 when RequestCount is 0.
        self._alarm(
            ctx,
            "green-5xx-rate",
            f"green target 5xx responses above {m.error_rate_percent}% of requests",
            "notBreaching",
            evaluation_periods=3,
            datapoints_to_alarm=2,
            threshold=m.error_rate_percent,
            comparison_operator="GreaterThanThreshold",
            metric_queries=[
                _query("errors", "HTTPCode_Target_5XX_Count", green_tg, "Sum"),
                _query("requests", "RequestCount", green_tg, "Sum"),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="rate",
                    label="5xx rate (%)",
                    return_data=True,
                    expression="IF(requests > 0, 100 * errors / requests, 0)",
                ),
            ],
        )
        self._alarm(
            ctx,
            "green-p99-latency",
            f"green p99 response time above {m.p99_latency_seconds:g} s",
            "notBreaching",
            evaluation_periods=3,
            datapoints_to_alarm=2,
            threshold=m.p99_latency_seconds,
            comparison_operator="GreaterThanThreshold",
            metric_queries=[_query("p99", "TargetResponseTime", green_tg, "p99", return_data=True)],
        )

    def _database_alarms(self, ctx: StackContext, db: dict[str, pulumi.Input[str]]) -> None:
        """A database that stops reporting is treated as failing: silence is not health."""
        m = ctx.settings.monitoring
        self._alarm(
            ctx,
            "rds-cpu",
            f"production MySQL CPU above {m.cpu_threshold_percent}%",
            "breaching",
            namespace="AWS/RDS",
            metric_name="CPUUtilization",
            dimensions=db,
            statistic="Average",
            period=300,
            evaluation_periods=2,
            threshold=m.cpu_threshold_percent,
            comparison_operator="GreaterThanThreshold",
        )
        self._alarm(
            ctx,
            "rds-connections",
            f"production MySQL connections above {m.db_connections_threshold}",
            "breaching",
            namespace="AWS/RDS",
            metric_name="DatabaseConnections",
            dimensions=db,
            statistic="Maximum",
            period=60,
            evaluation_periods=3,
            threshold=m.db_connections_threshold,
            comparison_operator="GreaterThanThreshold",
        )
        self._alarm(
            ctx,
            "rds-free-storage",
            f"production MySQL free storage below {m.free_storage_gib} GiB",
            "breaching",
            namespace="AWS/RDS",
            metric_name="FreeStorageSpace",
            dimensions=db,
            statistic="Minimum",
            period=300,
            evaluation_periods=1,
            threshold=m.free_storage_gib * GIB,
            comparison_operator="LessThanThreshold",
        )

    def _alarm(self, ctx: StackContext, service: str, description: str, missing: str, **metric: Any) -> None:
        self.alarms[service] = metric_alarm(
            ctx, service, description, missing, self.topic.arn, pulumi.ResourceOptions(parent=self), **metric
        )


def metric_alarm(
    ctx: StackContext,
    service: str,
    description: str,
    missing: str,
    topic_arn: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
    **metric: Any,
) -> aws.cloudwatch.MetricAlarm:
    """An alarm that notifies the topic when it fires and when it clears, and says what missing
    data means for it (`notBreaching` or `breaching`)."""
    return aws.cloudwatch.MetricAlarm(
        ctx.name(f"{service}-alarm"),
        name=ctx.name(f"{service}-alarm"),
        alarm_description=description,
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        treat_missing_data=missing,
        tags={"Name": ctx.name(f"{service}-alarm")},
        opts=opts,
        **metric,
    )


def _query(
    qid: str, metric: str, dimensions: dict[str, pulumi.Input[str]], stat: str, *, return_data: bool = False
) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=qid,
        return_data=return_data,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace="AWS/ApplicationELB", metric_name=metric, dimensions=dimensions, period=60, stat=stat
        ),
    )
