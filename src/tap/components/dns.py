"""DNS (SPEC R8): the zone, and the two weighted records of `app.{domain}` that move traffic.

`HostedZone` comes first (the certificate is validated in it); `WeightedRecords` comes after the
ALB. The weights come from the phase machine; Route53 health checks on both endpoints are
attached to the records, so a failing side stops receiving answers even between phases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.app_runtime import HEALTH_PATH
from tap.components.context import StackContext
from tap.iam_documents import FOR_AWS_RESOURCES, document, key_policy_document, key_statement

DEV_SET_ID = "blue-development"
GREEN_SET_ID = "green-production"


@dataclass(frozen=True)
class HostedZoneArgs:
    ctx: StackContext
    kms_key_arn: pulumi.Input[str]


def dnssec_key_policy(ctx: StackContext) -> pulumi.Output[str]:
    """Key policy for the DNSSEC signing key: Route53's DNSSEC service may use it for this
    account's zones only. `Resource: "*"` in a key policy means this key."""
    dnssec = {"Service": "dnssec-route53.amazonaws.com"}
    source = {
        "StringEquals": {"aws:SourceAccount": ctx.account_id},
        "ArnLike": {"aws:SourceArn": "arn:aws:route53:::hostedzone/*"},
    }
    return key_policy_document(
        ctx.account_id,
        key_statement(
            "Route53DnssecUsesKey", dnssec, ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"], source
        ),
        key_statement("Route53DnssecGrants", dnssec, "kms:CreateGrant", FOR_AWS_RESOURCES),
    )


class HostedZone(pulumi.ComponentResource):
    zone: aws.route53.Zone | None

    def __init__(self, name: str, args: HostedZoneArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:HostedZone", name, None, opts)
        ctx, d = args.ctx, args.ctx.settings.dns
        self.app_fqdn = f"app.{d.domain_name}"
        self.zone = None
        if not ctx.settings.creates_zone:
            # An existing zone is used, never adopted: its DNSSEC and logging stay its owner's.
            existing = aws.route53.get_zone_output(
                zone_id=d.hosted_zone_id, opts=pulumi.InvokeOutputOptions(parent=self)
            )
            self.zone_id: pulumi.Output[str] = existing.zone_id
            self.name_servers: pulumi.Output[Sequence[str]] = existing.name_servers
            self.register_outputs({"zone_id": self.zone_id})
            return

        self.zone = aws.route53.Zone(
            ctx.name("zone"),
            name=d.domain_name,
            comment=f"tap production zone ({ctx.settings.core.environment_suffix})",
            force_destroy=False,
            tags={"Name": ctx.name("zone")},
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        self.zone_id = self.zone.zone_id
        self.name_servers = self.zone.name_servers
        if d.query_logging:
            self._query_logging(ctx, self.zone, args.kms_key_arn)
        if d.dnssec:
            self._dnssec(ctx, self.zone)
        self.register_outputs({"zone_id": self.zone_id})

    def _query_logging(
        self, ctx: StackContext, zone: aws.route53.Zone, kms_key_arn: pulumi.Input[str]
    ) -> None:
        """Route53 delivers query logs only to us-east-1, and only where a resource policy lets
        it write (settings refuse another region for a created zone)."""
        child = pulumi.ResourceOptions(parent=self)
        self.query_log_group = aws.cloudwatch.LogGroup(
            ctx.name("dns-query-logs"),
            name=f"/aws/route53/{ctx.settings.dns.domain_name}",
            # Audit evidence (PCI DSS 10.2, 10.5.1): kept 12 months.
            retention_in_days=ctx.settings.compliance.audit_log_retention_days,
            kms_key_id=kms_key_arn,
            opts=child,
        )
        resource_policy = aws.cloudwatch.LogResourcePolicy(
            ctx.name("dns-query-logs-policy"),
            policy_name=ctx.name("dns-query-logs-policy"),
            policy_document=document(
                {
                    "Sid": "Route53QueryLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": "route53.amazonaws.com"},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": pulumi.Output.concat(self.query_log_group.arn, ":*"),
                    "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account_id}},
                }
            ),
            opts=child,
        )
        aws.route53.QueryLog(
            ctx.name("dns-query-log"),
            zone_id=zone.zone_id,
            cloudwatch_log_group_arn=self.query_log_group.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[resource_policy]),
        )

    def _dnssec(self, ctx: StackContext, zone: aws.route53.Zone) -> None:
        """Signing: a KMS key-signing key the zone signs with (the DS record at the parent is the
        zone owner's step, in docs/runbook.md)."""
        self.dnssec_key = aws.kms.Key(
            ctx.name("dnssec-kms"),
            description="DNSSEC key-signing key of the production zone",
            customer_master_key_spec="ECC_NIST_P256",
            key_usage="SIGN_VERIFY",
            deletion_window_in_days=30,
            policy=dnssec_key_policy(ctx),
            tags={"Name": ctx.name("dnssec-kms")},
            # Deleting a signing key while the parent still has its DS record takes the
            # whole zone off the internet for validating resolvers.
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        ksk = aws.route53.KeySigningKey(
            ctx.name("dnssec-ksk"),
            hosted_zone_id=zone.id,
            key_management_service_arn=self.dnssec_key.arn,
            name=ctx.name("ksk").replace("-", "_"),
            status="ACTIVE",
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.route53.HostedZoneDnsSec(
            ctx.name("dnssec"),
            hosted_zone_id=ksk.hosted_zone_id,
            signing_status="SIGNING",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[ksk]),
        )


@dataclass(frozen=True)
class WeightedRecordsArgs:
    ctx: StackContext
    zone_id: pulumi.Input[str]
    app_fqdn: str
    alb_dns_name: pulumi.Input[str]
    alb_zone_id: pulumi.Input[str]


def https_health_check(
    ctx: StackContext, service: str, fqdn: pulumi.Input[str], parent: pulumi.Resource
) -> aws.route53.HealthCheck:
    return aws.route53.HealthCheck(
        ctx.name(service),
        type="HTTPS",
        fqdn=fqdn,
        port=443,
        resource_path=HEALTH_PATH,
        request_interval=30,
        failure_threshold=3,
        measure_latency=True,
        enable_sni=True,
        reference_name=service[:28],
        tags={"Name": ctx.name(service)},
        opts=pulumi.ResourceOptions(parent=parent),
    )


class WeightedRecords(pulumi.ComponentResource):
    dev_record: aws.route53.Record | None
    dev_health_check: aws.route53.HealthCheck | None

    def __init__(self, name: str, args: WeightedRecordsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:WeightedRecords", name, None, opts)
        ctx, d, plan = args.ctx, args.ctx.settings.dns, args.ctx.settings.phase_plan

        def weighted(
            service: str,
            set_id: str,
            weight: int,
            check: aws.route53.HealthCheck,
            alias: tuple[pulumi.Input[str], pulumi.Input[str]] | None = None,
        ) -> aws.route53.Record:
            """One side of app.{domain}: an alias, or A records with the configured TTL."""
            return aws.route53.Record(
                ctx.name(service),
                zone_id=args.zone_id,
                name=args.app_fqdn,
                type="A",
                set_identifier=set_id,
                weighted_routing_policies=[aws.route53.RecordWeightedRoutingPolicyArgs(weight=weight)],
                aliases=[
                    aws.route53.RecordAliasArgs(name=alias[0], zone_id=alias[1], evaluate_target_health=True)
                ]
                if alias
                else None,
                records=None if alias else list(d.dev_record_values),
                ttl=None if alias else d.record_ttl,
                health_check_id=check.id,
                opts=pulumi.ResourceOptions(parent=self),
            )

        self.green_health_check = https_health_check(ctx, "green-health", args.alb_dns_name, self)
        self.green_record = weighted(
            "app-green-record",
            GREEN_SET_ID,
            plan.weights.green,
            self.green_health_check,
            (args.alb_dns_name, args.alb_zone_id),
        )
        self.dev_record = self.dev_health_check = None
        if plan.dev_record:
            self.dev_health_check = https_health_check(
                ctx, "dev-health", ctx.settings.dev_health_check_fqdn, self
            )
            dev_alias = (d.dev_alias_dns_name, d.dev_alias_zone_id)
            self.dev_record = weighted(
                "app-dev-record",
                DEV_SET_ID,
                plan.weights.blue,
                self.dev_health_check,
                dev_alias if d.dev_endpoint_mode == "alias" else None,
            )
        self.register_outputs({"green_record": self.green_record.fqdn})


def record_weight(record: aws.route53.Record) -> pulumi.Output[int]:
    """The weight a record carries, read back from the record itself."""
    return record.weighted_routing_policies.apply(lambda policies: int(policies[0].weight) if policies else 0)
