"""Networking (SPEC R1): VPC, a public and a private subnet per AZ, an internet gateway, one NAT
gateway per AZ, per-AZ private routing, VPC flow logs and an S3 gateway endpoint."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap import aws_types as t
from tap.components import timeouts
from tap.components.context import StackContext
from tap.iam_documents import allow, document, service_trust


@dataclass(frozen=True)
class NetworkArgs:
    ctx: StackContext
    kms_key_arn: pulumi.Input[str]


class Network(pulumi.ComponentResource):
    vpc: aws.ec2.Vpc
    public_subnets: list[aws.ec2.Subnet]
    private_subnets: list[aws.ec2.Subnet]
    nat_eips: list[aws.ec2.Eip]
    nat_gateways: list[aws.ec2.NatGateway]
    private_route_tables: list[aws.ec2.RouteTable]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:Network", name, None, opts)
        ctx, n = args.ctx, args.ctx.settings.network
        self._vpc_and_public_routing(ctx)
        self.public_subnets, self.private_subnets = [], []
        self.nat_eips, self.nat_gateways, self.private_route_tables = [], [], []
        for az, pub_cidr, priv_cidr in zip(
            n.availability_zones, n.public_subnet_cidrs, n.private_subnet_cidrs, strict=True
        ):
            self._availability_zone(ctx, az, pub_cidr, priv_cidr)
        self._s3_endpoint(ctx)
        self._flow_logs(ctx, args.kms_key_arn)
        self.register_outputs(
            {
                "vpc_id": self.vpc.id,
                "public_subnet_ids": [s.id for s in self.public_subnets],
                "private_subnet_ids": [s.id for s in self.private_subnets],
            }
        )

    def _vpc_and_public_routing(self, ctx: StackContext) -> None:
        """The VPC, its internet gateway, and the one public route table that uses it."""
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = aws.ec2.Vpc(
            ctx.name("vpc"),
            cidr_block=ctx.settings.network.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": ctx.name("vpc")},
            opts=child,
        )
        self.internet_gateway = aws.ec2.InternetGateway(
            ctx.name("igw"), vpc_id=self.vpc.id, tags={"Name": ctx.name("igw")}, opts=child
        )
        self.public_route_table = aws.ec2.RouteTable(
            ctx.name("public-rt"), vpc_id=self.vpc.id, tags={"Name": ctx.name("public-rt")}, opts=child
        )
        self.public_default_route = aws.ec2.Route(
            ctx.name("public-default-route"),
            route_table_id=self.public_route_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=self.internet_gateway.id,
            opts=child,
        )

    def _availability_zone(self, ctx: StackContext, az: str, public_cidr: str, private_cidr: str) -> None:
        """One AZ: its public and private subnet, its NAT gateway, and its private routing."""
        public = self._subnet(ctx, "public", az, public_cidr)
        private = self._subnet(ctx, "private", az, private_cidr)
        aws.ec2.RouteTableAssociation(
            ctx.name("public-rta", az),
            subnet_id=public.id,
            route_table_id=self.public_route_table.id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        eip, nat = self._nat_gateway(ctx, az, public)
        rt = self._private_routing(ctx, az, private, nat)
        self.public_subnets.append(public)
        self.private_subnets.append(private)
        self.nat_eips.append(eip)
        self.nat_gateways.append(nat)
        self.private_route_tables.append(rt)

    def _subnet(self, ctx: StackContext, tier: str, az: str, cidr: str) -> aws.ec2.Subnet:
        return aws.ec2.Subnet(
            ctx.name(tier, az),
            vpc_id=self.vpc.id,
            cidr_block=cidr,
            availability_zone=az,
            # No automatic public IPs, not even in a public subnet: the ALB and the NAT
            # gateways bring their own addresses.
            map_public_ip_on_launch=False,
            tags={"Name": ctx.name(tier, az), "Tier": tier},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _nat_gateway(
        self, ctx: StackContext, az: str, public: aws.ec2.Subnet
    ) -> tuple[aws.ec2.Eip, aws.ec2.NatGateway]:
        eip = aws.ec2.Eip(
            ctx.name("nat-eip", az),
            domain="vpc",
            tags={"Name": ctx.name("nat-eip", az)},
            opts=pulumi.ResourceOptions(parent=self),
        )
        nat = aws.ec2.NatGateway(
            ctx.name("nat", az),
            allocation_id=eip.allocation_id,
            subnet_id=public.id,
            connectivity_type="public",
            tags={"Name": ctx.name("nat", az)},
            # A NAT gateway needs the VPC attached to its internet gateway first.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.internet_gateway],
                custom_timeouts=timeouts.for_type(t.NAT_GATEWAY),
            ),
        )
        return eip, nat

    def _private_routing(
        self, ctx: StackContext, az: str, private: aws.ec2.Subnet, nat: aws.ec2.NatGateway
    ) -> aws.ec2.RouteTable:
        """One private route table per AZ, pointing at that AZ's NAT: losing an AZ never takes
        egress away from the others."""
        child = pulumi.ResourceOptions(parent=self)
        rt = aws.ec2.RouteTable(
            ctx.name("private-rt", az),
            vpc_id=self.vpc.id,
            tags={"Name": ctx.name("private-rt", az)},
            opts=child,
        )
        aws.ec2.Route(
            ctx.name("private-default-route", az),
            route_table_id=rt.id,
            destination_cidr_block="0.0.0.0/0",
            nat_gateway_id=nat.id,
            opts=child,
        )
        aws.ec2.RouteTableAssociation(
            ctx.name("private-rta", az), subnet_id=private.id, route_table_id=rt.id, opts=child
        )
        return rt

    def _s3_endpoint(self, ctx: StackContext) -> None:
        """S3 traffic (logs, packages) from the private subnets skips the NAT gateways."""
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            ctx.name("s3-endpoint"),
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{ctx.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[rt.id for rt in self.private_route_tables],
            tags={"Name": ctx.name("s3-endpoint")},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _flow_logs(self, ctx: StackContext, kms_key_arn: pulumi.Input[str]) -> None:
        """Every flow of the VPC to an encrypted log group, through a role that may write there only."""
        child = pulumi.ResourceOptions(parent=self)
        self.flow_log_group = aws.cloudwatch.LogGroup(
            ctx.name("flow-logs"),
            name=f"/tap/vpc-flow-logs/{ctx.name('vpc')}",
            # Audit evidence (PCI DSS 10.2, 10.5.1): kept 12 months, not the general retention.
            retention_in_days=ctx.settings.compliance.audit_log_retention_days,
            kms_key_id=kms_key_arn,
            opts=child,
        )
        self.flow_log_role = aws.iam.Role(
            ctx.name("flow-logs-role"),
            assume_role_policy=service_trust("vpc-flow-logs.amazonaws.com", ctx.account_id),
            opts=child,
        )
        flow_log_policy = aws.iam.RolePolicy(
            ctx.name("flow-logs-policy"),
            role=self.flow_log_role.id,
            policy=document(
                allow(
                    "WriteFlowLogs",
                    ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    [self.flow_log_group.arn, pulumi.Output.concat(self.flow_log_group.arn, ":*")],
                )
            ),
            opts=child,
        )
        self.flow_log = aws.ec2.FlowLog(
            ctx.name("flow-log"),
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_log_group.arn,
            iam_role_arn=self.flow_log_role.arn,
            max_aggregation_interval=60,
            tags={"Name": ctx.name("flow-log")},
            # Without the role's policy in place the first deliveries fail silently.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[flow_log_policy]),
        )
