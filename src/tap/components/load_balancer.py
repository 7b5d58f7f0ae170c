"""Load balancing (SPEC R7): an internet-facing ALB with one HTTPS listener forwarding by weight
to the blue and green target groups, its certificate, and a WAF web ACL in front of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap import aws_types as t
from tap.components import timeouts
from tap.components.app_runtime import APP_PORT, HEALTH_PATH
from tap.components.context import StackContext
from tap.components.storage import ALB_LOG_PREFIX
from tap.components.waf_logging import WafLogging, WafLoggingArgs

COLOURS = ("blue", "green")
# AWS managed rule groups: the baseline PCI DSS 6.4 asks a web application firewall to apply.
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)


@dataclass(frozen=True)
class LoadBalancerArgs:
    ctx: StackContext
    vpc_id: pulumi.Input[str]
    public_subnet_ids: Sequence[pulumi.Input[str]]
    alb_security_group_id: pulumi.Input[str]
    log_bucket_name: pulumi.Input[str]
    log_bucket_policy: pulumi.Resource
    zone_id: pulumi.Input[str]
    app_fqdn: str
    kms_key_arn: pulumi.Input[str]


def visibility(metric: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


class LoadBalancer(pulumi.ComponentResource):
    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:LoadBalancer", name, None, opts)
        ctx = args.ctx
        child = pulumi.ResourceOptions(parent=self)

        self.certificate: aws.acm.Certificate | None = None
        self.certificate_validation: aws.acm.CertificateValidation | None = None
        self.certificate_arn = self._certificate(ctx, args)

        self.target_groups = {colour: self._target_group(ctx, colour, args.vpc_id) for colour in COLOURS}
        self.alb = self._alb(ctx, args)
        # None while the zone awaits delegation (settings refuse that once green runs).
        self.https_listener = self._listener(ctx) if self.certificate_arn is not None else None
        self.web_acl = self._web_acl(ctx)
        self.web_acl_association = aws.wafv2.WebAclAssociation(
            ctx.name("waf-association"),
            resource_arn=self.alb.arn,
            web_acl_arn=self.web_acl.arn,
            opts=child,
        )
        self.waf_logging = WafLogging(
            "waf-logging",
            WafLoggingArgs(ctx=ctx, web_acl_arn=self.web_acl.arn, kms_key_arn=args.kms_key_arn),
            child,
        )
        self.register_outputs({"alb_arn": self.alb.arn, "alb_dns_name": self.alb.dns_name})

    def _target_group(self, ctx: StackContext, colour: str, vpc_id: pulumi.Input[str]) -> aws.lb.TargetGroup:
        return aws.lb.TargetGroup(
            ctx.name(f"tg-{colour}"),
            name=ctx.name(f"tg-{colour}"),
            port=APP_PORT,
            protocol="HTTP",
            target_type="instance",
            vpc_id=vpc_id,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                path=HEALTH_PATH,
                port="traffic-port",
                protocol="HTTP",
                interval=30,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=2,
                matcher="200",
            ),
            tags={"Name": ctx.name(f"tg-{colour}"), "Fleet": colour},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _alb(self, ctx: StackContext, args: LoadBalancerArgs) -> aws.lb.LoadBalancer:
        return aws.lb.LoadBalancer(
            ctx.name("alb"),
            name=ctx.name("alb"),
            internal=False,
            load_balancer_type="application",
            security_groups=[args.alb_security_group_id],
            subnets=list(args.public_subnet_ids),
            enable_http2=True,
            drop_invalid_header_fields=True,
            # AWS's default, and what dev's load balancer runs: "strictest" would refuse some
            # requests blue accepts, and green would look broken mid-cutover for no fault of its own.
            desync_mitigation_mode="defensive",
            enable_deletion_protection=ctx.settings.load_balancer.deletion_protection,
            idle_timeout=60,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=args.log_bucket_name, prefix=ALB_LOG_PREFIX, enabled=True
            ),
            tags={"Name": ctx.name("alb")},
            # The ALB verifies at creation that it may write its logs to the bucket.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[args.log_bucket_policy]),
        )

    def _listener(self, ctx: StackContext) -> aws.lb.Listener:
        """The HTTPS listener; its weights come from the phase machine (target-group capacity)."""
        lb = ctx.settings.load_balancer
        weights = ctx.settings.phase_plan.listener_weights
        return aws.lb.Listener(
            ctx.name("https-listener"),
            load_balancer_arn=self.alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=lb.ssl_policy,
            certificate_arn=self.certificate_arn,
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="forward",
                    forward=aws.lb.ListenerDefaultActionForwardArgs(
                        target_groups=[
                            aws.lb.ListenerDefaultActionForwardTargetGroupArgs(
                                arn=self.target_groups["blue"].arn, weight=weights.blue
                            ),
                            aws.lb.ListenerDefaultActionForwardTargetGroupArgs(
                                arn=self.target_groups["green"].arn, weight=weights.green
                            ),
                        ],
                        stickiness=aws.lb.ListenerDefaultActionForwardStickinessArgs(
                            enabled=False, duration=1
                        ),
                    ),
                )
            ],
            tags={"Name": ctx.name("https-listener")},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _certificate(self, ctx: StackContext, args: LoadBalancerArgs) -> pulumi.Output[str] | None:
        """The listener's certificate ARN, or None while the zone awaits delegation.

        A DNS-validated certificate in a zone this run creates cannot validate before someone
        delegates the zone at its parent, so the first run requests the certificate and writes
        its validation record (both return at once) but declares no CertificateValidation,
        which would wait 75 minutes and fail (aws_acm_certificate_validation,
        resourceCertificateValidationCreate -> waitCertificateIssued)."""
        existing = ctx.settings.load_balancer.certificate_arn
        if existing:
            return pulumi.Output.from_input(existing)
        child = pulumi.ResourceOptions(parent=self)
        self.certificate = aws.acm.Certificate(
            ctx.name("certificate"),
            domain_name=args.app_fqdn,
            validation_method="DNS",
            key_algorithm="RSA_2048",
            tags={"Name": ctx.name("certificate")},
            opts=child,
        )
        option = self.certificate.domain_validation_options[0]
        record = aws.route53.Record(
            ctx.name("certificate-validation-record"),
            zone_id=args.zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=60,
            allow_overwrite=True,
            opts=child,
        )
        if ctx.settings.awaiting_delegation:
            return None
        self.certificate_validation = aws.acm.CertificateValidation(
            ctx.name("certificate-validation"),
            certificate_arn=self.certificate.arn,
            validation_record_fqdns=[record.fqdn],
            opts=pulumi.ResourceOptions(parent=self, custom_timeouts=timeouts.for_type(t.ACM_VALIDATION)),
        )
        # The listener takes the ARN from the validation, so it waits for an issued certificate.
        return self.certificate_validation.certificate_arn

    def _web_acl(self, ctx: StackContext) -> aws.wafv2.WebAcl:
        rules = [
            aws.wafv2.WebAclRuleArgs(
                name=group,
                priority=priority,
                override_action=aws.wafv2.WebAclRuleOverrideActionArgs(
                    # The provider's empty marker class has no typed constructor.
                    none=aws.wafv2.WebAclRuleOverrideActionNoneArgs()  # type: ignore[no-untyped-call]
                ),
                statement=aws.wafv2.WebAclRuleStatementArgs(
                    managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                        vendor_name="AWS", name=group
                    )
                ),
                visibility_config=visibility(group),
            )
            for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1)
        ]
        rules.append(
            aws.wafv2.WebAclRuleArgs(
                name="per-ip-rate-limit",
                priority=len(rules) + 1,
                action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
                statement=aws.wafv2.WebAclRuleStatementArgs(
                    rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                        limit=ctx.settings.load_balancer.waf_rate_limit, aggregate_key_type="IP"
                    )
                ),
                visibility_config=visibility("per-ip-rate-limit"),
            )
        )
        return aws.wafv2.WebAcl(
            ctx.name("waf"),
            name=ctx.name("waf"),
            description="Managed rule groups and a per-IP rate limit in front of the payment ALB",
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=rules,
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=ctx.name("waf"), sampled_requests_enabled=True
            ),
            tags={"Name": ctx.name("waf")},
            opts=pulumi.ResourceOptions(parent=self),
        )
