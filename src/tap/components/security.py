"""Security groups (SPEC R2): ALB, app and DB groups whose rules are separate resources (no
inline/rule mix, no dependency cycles), and the VPC's default group emptied."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.app_runtime import APP_PORT
from tap.components.context import StackContext
from tap.components.database import MYSQL_PORT

HTTPS_PORT = 443
ANYWHERE_V4 = "0.0.0.0/0"


@dataclass(frozen=True)
class SecurityArgs:
    ctx: StackContext
    vpc_id: pulumi.Input[str]


RuleKind = type[aws.vpc.SecurityGroupIngressRule] | type[aws.vpc.SecurityGroupEgressRule]
INGRESS, EGRESS = aws.vpc.SecurityGroupIngressRule, aws.vpc.SecurityGroupEgressRule


class SecurityGroups(pulumi.ComponentResource):
    def __init__(self, name: str, args: SecurityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:SecurityGroups", name, None, opts)
        ctx = args.ctx
        self.alb = self._group(
            ctx, args.vpc_id, "alb-sg", "prod ALB: HTTPS from the internet, to the app on 8080"
        )
        self.app = self._group(
            ctx, args.vpc_id, "app-sg", "prod app fleets: 8080 from the ALB, to MySQL and AWS APIs"
        )
        self.db = self._group(ctx, args.vpc_id, "db-sg", "prod MySQL: 3306 from the app fleets only")
        self._rules(ctx)
        # Taking over the default group with no rules leaves nothing to fall back to: a resource
        # launched without a group gets no traffic at all.
        self.default = aws.ec2.DefaultSecurityGroup(
            ctx.name("default-sg"),
            vpc_id=args.vpc_id,
            tags={"Name": ctx.name("default-sg"), "Purpose": "locked-down"},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"alb_sg_id": self.alb.id, "app_sg_id": self.app.id, "db_sg_id": self.db.id})

    def _group(
        self, ctx: StackContext, vpc_id: pulumi.Input[str], service: str, description: str
    ) -> aws.ec2.SecurityGroup:
        # No inline rules: every rule is its own resource, so the groups can refer to each other
        # without a cycle and a rule change never rewrites the group.
        return aws.ec2.SecurityGroup(
            ctx.name(service),
            name=ctx.name(service),
            description=description,
            vpc_id=vpc_id,
            tags={"Name": ctx.name(service)},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _rules(self, ctx: StackContext) -> None:
        """The whole path, hop by hop: internet -> ALB -> app -> MySQL, and app -> AWS APIs."""
        # The only internet-facing rule in the stack: HTTPS to the load balancer. No port 80.
        self.alb_https_in = self._rule(
            ctx, INGRESS, "alb-https-in", self.alb, HTTPS_PORT, "HTTPS from the internet", cidr=ANYWHERE_V4
        )
        self.alb_to_app = self._rule(
            ctx, EGRESS, "alb-to-app", self.alb, APP_PORT, "ALB to the app fleets on 8080", peer=self.app
        )
        self.app_from_alb = self._rule(
            ctx, INGRESS, "app-from-alb", self.app, APP_PORT, "App traffic from the ALB only", peer=self.alb
        )
        self.app_to_db = self._rule(
            ctx, EGRESS, "app-to-db", self.app, MYSQL_PORT, "App to the production MySQL", peer=self.db
        )
        self.app_https_out = self._rule(
            ctx,
            EGRESS,
            "app-https-out",
            self.app,
            HTTPS_PORT,
            "App to AWS APIs (SSM, Secrets Manager, CloudWatch) via NAT",
            cidr=ANYWHERE_V4,
        )
        self.db_from_app = self._rule(
            ctx, INGRESS, "db-from-app", self.db, MYSQL_PORT, "MySQL from the app fleets only", peer=self.app
        )

    def _rule(
        self,
        ctx: StackContext,
        kind: RuleKind,
        name: str,
        sg: aws.ec2.SecurityGroup,
        port: int,
        description: str,
        *,
        cidr: str | None = None,
        peer: aws.ec2.SecurityGroup | None = None,
    ) -> pulumi.CustomResource:
        """One TCP port, one peer (a CIDR or a group), always described."""
        return kind(
            ctx.name(name),
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            cidr_ipv4=cidr,
            referenced_security_group_id=peer.id if peer else None,
            description=description,
            tags={"Name": ctx.name(name)},
            opts=pulumi.ResourceOptions(parent=self),
        )
