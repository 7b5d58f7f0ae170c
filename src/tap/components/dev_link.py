"""The network path between dev and production (issue 10): VPC peering, the routes that need
it, and the cross-VPC security group rules of the data tier.

Same account, same region, so one peering connection with `auto_accept` does it; a transit
gateway would add an hourly attachment charge and a second route domain for two VPCs that only
need to talk about MySQL. Dev's VPC, route tables and groups come from settings and are never
imported or owned: every route added to a dev table and every rule added to a dev group is its
own resource, additive, described, listed under this component in the plan, and removed again
by removing it from the program (dev's own routes and rules are untouched).

Only what the data tier needs is opened:

- production's private route tables get a route to dev's VPC range; dev's listed route tables
  get routes to production's *private subnets* only (never the whole production VPC, so the
  ALB's public subnets and NAT gateways stay unreachable from dev);
- dev's app fleet reaches the production MySQL on 3306 (it writes through the writer name once
  `tap db cutover` moves it);
- the two databases reach each other on 3306: production replicates from dev until the switch,
  dev replicates from production afterwards so `tap db fallback` can hand the writer back.

Every rule is group-to-group: a security group in a peered VPC of the same region may be
referenced by id, which is narrower than any CIDR (AWS gotcha: the reference works only while the
peering connection is active, so the rules depend on it).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.components.database import MYSQL_PORT
from tap.components.security import RuleKind


@dataclass(frozen=True)
class DevLinkArgs:
    ctx: StackContext
    vpc_id: pulumi.Input[str]
    private_route_table_ids: Sequence[pulumi.Input[str]]
    private_subnet_cidrs: Sequence[str]
    db_security_group_id: pulumi.Input[str]


class DevLink(pulumi.ComponentResource):
    peering: aws.ec2.VpcPeeringConnection
    prod_routes: list[aws.ec2.Route]
    dev_routes: list[aws.ec2.Route]
    rules: dict[str, aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule]

    def __init__(self, name: str, args: DevLinkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:DevLink", name, None, opts)
        ctx = args.ctx
        self.peering = self._peering(ctx, args.vpc_id)
        after_peering = pulumi.ResourceOptions(parent=self, depends_on=[self.peering])
        self._routes(ctx, args, after_peering)
        self.rules = {}
        self._rules(ctx, args.db_security_group_id, after_peering)
        self.register_outputs({"vpc_peering_connection_id": self.peering.id})

    def _peering(self, ctx: StackContext, vpc_id: pulumi.Input[str]) -> aws.ec2.VpcPeeringConnection:
        return aws.ec2.VpcPeeringConnection(
            ctx.name("dev-peering"),
            vpc_id=vpc_id,
            peer_vpc_id=ctx.settings.dev_network.dev_vpc_id,
            # Same account and region: the requester may accept its own request.
            auto_accept=True,
            # The provider sets these after the connection is active (which auto_accept makes it
            # before create returns). They let each side resolve the other's public DNS names
            # (e.g. an RDS endpoint) to private addresses.
            requester=aws.ec2.VpcPeeringConnectionRequesterArgs(allow_remote_vpc_dns_resolution=True),
            accepter=aws.ec2.VpcPeeringConnectionAccepterArgs(allow_remote_vpc_dns_resolution=True),
            tags={"Name": ctx.name("dev-peering"), "Purpose": "data-tier-migration"},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _routes(self, ctx: StackContext, args: DevLinkArgs, opts: pulumi.ResourceOptions) -> None:
        """Production's private tables to dev's VPC; dev's listed tables to production's private
        subnets only."""
        dev = ctx.settings.dev_network
        self.prod_routes = [
            aws.ec2.Route(
                ctx.name("to-dev-route", str(i + 1)),
                route_table_id=table,
                destination_cidr_block=dev.dev_vpc_cidr,
                vpc_peering_connection_id=self.peering.id,
                opts=opts,
            )
            for i, table in enumerate(args.private_route_table_ids)
        ]
        # One route per production private subnet in each listed dev table, table by table.
        self.routes_per_table = len(args.private_subnet_cidrs)
        self.dev_routes = [
            aws.ec2.Route(
                ctx.name("dev-to-prod-route", f"{table}-{j + 1}"),
                route_table_id=table,
                destination_cidr_block=cidr,
                vpc_peering_connection_id=self.peering.id,
                opts=opts,
            )
            for table in dev.dev_route_table_ids
            for j, cidr in enumerate(args.private_subnet_cidrs)
        ]

    def _rules(self, ctx: StackContext, prod_db: pulumi.Input[str], opts: pulumi.ResourceOptions) -> None:
        """MySQL between the data tier's three groups, both directions where replication runs."""
        dev = ctx.settings.dev_network
        dev_app, dev_db = dev.dev_app_security_group_id, dev.dev_db_security_group_id
        ingress, egress = aws.vpc.SecurityGroupIngressRule, aws.vpc.SecurityGroupEgressRule
        rule = functools.partial(self._rule, ctx, opts)
        # Production's side.
        rule(ingress, "db-from-dev-app", prod_db, dev_app, "MySQL from dev's app fleet (writer name)")
        rule(ingress, "db-from-dev-db", prod_db, dev_db, "MySQL from dev's database (reverse replication)")
        rule(egress, "db-to-dev-db", prod_db, dev_db, "Production MySQL replicates from dev's database")
        # Dev's side: additive rules on dev's groups, removable with this component. The egress
        # rules make the path independent of whatever egress dev's groups have today.
        rule(ingress, "dev-db-from-db", dev_db, prod_db, "Dev MySQL: replication from production MySQL")
        rule(egress, "dev-db-to-db", dev_db, prod_db, "Dev MySQL to production MySQL (reverse replication)")
        rule(egress, "dev-app-to-db", dev_app, prod_db, "Dev app fleet to production MySQL (writer name)")

    def _rule(
        self,
        ctx: StackContext,
        opts: pulumi.ResourceOptions,
        kind: RuleKind,
        key: str,
        group: pulumi.Input[str],
        peer: pulumi.Input[str],
        why: str,
    ) -> None:
        self.rules[key] = kind(
            ctx.name(key),
            security_group_id=group,
            ip_protocol="tcp",
            from_port=MYSQL_PORT,
            to_port=MYSQL_PORT,
            referenced_security_group_id=peer,
            description=why,
            tags={"Name": ctx.name(key), "Purpose": "data-tier-migration"},
            opts=opts,
        )
