"""Networking (SPEC R1): VPC, a public and a private subnet per AZ, an internet gateway, one NAT
gateway per AZ, per-AZ private routing, VPC flow logs and an S3 gateway endpoint."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

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
    nat_gateways: list[aws.ec2.NatGateway]
    private_route_tables: list[aws.ec2.RouteTable]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:Network", name, None, opts)
        ctx, n = args.ctx, args.ctx.settings.network
        child = pulumi.ResourceOptions(parent=self)

        self.vpc = aws.ec2.Vpc(
            ctx.name("vpc"),
            cidr_block=n.vpc_cidr,
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

        self.public_subnets, self.private_subnets = [], []
        self.nat_eips, self.nat_gateways, self.private_route_tables = [], [], []
        for az, pub_cidr, priv_cidr in zip(
            n.availability_zones, n.public_subnet_cidrs, n.private_subnet_cidrs, strict=True
        ):
            public = aws.ec2.Subnet(
                ctx.name("public", az),
                vpc_id=self.vpc.id,
                cidr_block=pub_cidr,
                availability_zone=az,
                # Nothing in a public subnet needs an automatic public IP: the ALB and the NAT
                # gateways bring their own addresses.
                map_public_ip_on_launch=False,
                tags={"Name": ctx.name("public", az), "Tier": "public"},
                opts=child,
            )
            private = aws.ec2.Subnet(
                ctx.name("private", az),
                vpc_id=self.vpc.id,
                cidr_block=priv_cidr,
                availability_zone=az,
                map_public_ip_on_launch=False,
                tags={"Name": ctx.name("private", az), "Tier": "private"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                ctx.name("public-rta", az),
                subnet_id=public.id,
                route_table_id=self.public_route_table.id,
                opts=child,
            )

            eip = aws.ec2.Eip(
                ctx.name("nat-eip", az), domain="vpc", tags={"Name": ctx.name("nat-eip", az)}, opts=child
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
                    custom_timeouts=timeouts.for_type(timeouts.NAT_GATEWAY),
                ),
            )
            # One private route table per AZ, pointing at that AZ's NAT: losing an AZ never
            # takes egress away from the others.
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

            self.public_subnets.append(public)
            self.private_subnets.append(private)
            self.nat_eips.append(eip)
            self.nat_gateways.append(nat)
            self.private_route_tables.append(rt)

        # S3 traffic (logs, packages) from the private subnets skips the NAT gateways.
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            ctx.name("s3-endpoint"),
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{ctx.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[rt.id for rt in self.private_route_tables],
            tags={"Name": ctx.name("s3-endpoint")},
            opts=child,
        )

        self.flow_log_group = aws.cloudwatch.LogGroup(
            ctx.name("flow-logs"),
            name=f"/tap/vpc-flow-logs/{ctx.name('vpc')}",
            # Audit evidence (PCI DSS 10.2, 10.5.1): kept 12 months, not the general retention.
            retention_in_days=ctx.settings.compliance.audit_log_retention_days,
            kms_key_id=args.kms_key_arn,
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

        self.register_outputs(
            {
                "vpc_id": self.vpc.id,
                "public_subnet_ids": [s.id for s in self.public_subnets],
                "private_subnet_ids": [s.id for s in self.private_subnets],
            }
        )
