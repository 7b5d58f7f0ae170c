"""WAF logging (SPEC R7.4, R19; PCI DSS 10.2, FSBP WAF.11): every request the web ACL sees,
allowed or blocked, lands in a CloudWatch log group under the production key, with the
headers that carry credentials redacted before they are written.

AWS gotchas encoded here:
- WAF accepts only a log group whose name starts with `aws-waf-logs-`.
- The destination is the log group ARN *without* the `:*` stream suffix; the provider's
  `LogGroup.arn` already strips it (the IAM-style `arn:...:*` is refused by WAF).
- WAF writes through the log-delivery service. Without a resource policy that admits
  `delivery.logs.amazonaws.com`, WAF tries to add one itself, and fails once the account's
  resource policies hit CloudWatch Logs' 5,120-character limit; declaring it keeps it reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext

WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"
# Headers that carry credentials and session tokens: never written to a log (PCI DSS 3.3, 8.3).
# WAF matches single headers by their lowercase name.
REDACTED_HEADERS = ("authorization", "cookie")


@dataclass(frozen=True)
class WafLoggingArgs:
    ctx: StackContext
    web_acl_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]


class WafLogging(pulumi.ComponentResource):
    def __init__(self, name: str, args: WafLoggingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:WafLogging", name, None, opts)
        ctx = args.ctx
        child = pulumi.ResourceOptions(parent=self)
        self.log_group = aws.cloudwatch.LogGroup(
            ctx.name("waf-logs"),
            name=WAF_LOG_GROUP_PREFIX + ctx.name("waf"),
            retention_in_days=ctx.settings.compliance.audit_log_retention_days,
            # The key policy lets logs.<region>.amazonaws.com use the key for this account's
            # log groups (tap.components.encryption, CloudWatchLogsUsesKey).
            kms_key_id=args.kms_key_arn,
            tags={"Name": ctx.name("waf-logs")},
            opts=child,
        )
        self.resource_policy = aws.cloudwatch.LogResourcePolicy(
            ctx.name("waf-logs-policy"),
            policy_name=ctx.name("waf-logs-policy"),
            policy_document=delivery_policy(ctx, self.log_group.arn),
            opts=child,
        )
        self.configuration = aws.wafv2.WebAclLoggingConfiguration(
            ctx.name("waf-logging"),
            resource_arn=args.web_acl_arn,
            log_destination_configs=[self.log_group.arn],
            redacted_fields=[
                aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(
                        name=header
                    )
                )
                for header in REDACTED_HEADERS
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.resource_policy]),
        )
        self.register_outputs({"log_group_name": self.log_group.name})


def delivery_policy(ctx: StackContext, log_group_arn: pulumi.Output[str]) -> pulumi.Output[str]:
    """The resource policy AWS documents for vended logs, scoped to this log group and to
    deliveries from this account (the confused-deputy conditions)."""
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "WafLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": pulumi.Output.concat(log_group_arn, ":log-stream:*"),
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": ctx.account_id},
                        "ArnLike": {"aws:SourceArn": ctx.arn("logs", "*")},
                    },
                }
            ],
        }
    )
