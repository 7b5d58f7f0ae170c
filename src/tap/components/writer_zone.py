"""One writer name for both fleets (issue 10): a private hosted zone associated with the
production VPC and dev's VPC, holding `writer.<zone>`, a CNAME with a 5-second TTL.

Pulumi creates the record pointing at dev's database (read from the dev instance, never a
literal) and never moves it again: `ignore_changes=["records"]` hands the target to
`tap db cutover` / `tap db fallback`, which flip it with the database fenced on one side and
caught up on the other. A `pulumi up` in any phase therefore cannot change which database the
fleets write to (the contract in docs/runbook.md); if the program's idea of the target changes
(dev decommissioned, say), the plan shows no diff on the record.

The zone lists both VPCs inline: both are in this account and region, so one `vpcs` list
associates them at create (the provider adds new associations before removing old ones on
update, and a private zone must always keep at least one). Dev's association goes when the
phase machine unlinks dev (`complete`); the production association stays for good.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext

# At most 5 s: after the flip a resolver may hand out the old target for one TTL, and the
# fenced old writer refuses app logins for that long (a retry, never a write to two places).
WRITER_TTL_SECONDS = 5
WRITER_LABEL = "writer"


def writer_zone_name(suffix: str) -> str:
    """The private zone's name: under `.internal`, which is never delegated publicly."""
    return f"db.{suffix}.internal"


@dataclass(frozen=True)
class WriterZoneArgs:
    ctx: StackContext
    vpc_id: pulumi.Input[str]
    dev_vpc_id: str | None
    """Dev's VPC while the phase links it, else None."""
    initial_target: pulumi.Input[str]
    """Where the record points when Pulumi creates it: dev's database address."""


class WriterZone(pulumi.ComponentResource):
    zone: aws.route53.Zone
    record: aws.route53.Record

    def __init__(self, name: str, args: WriterZoneArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:WriterZone", name, None, opts)
        ctx = args.ctx
        child = pulumi.ResourceOptions(parent=self)
        vpcs = [aws.route53.ZoneVpcArgs(vpc_id=args.vpc_id, vpc_region=ctx.region)]
        if args.dev_vpc_id:
            vpcs.append(aws.route53.ZoneVpcArgs(vpc_id=args.dev_vpc_id, vpc_region=ctx.region))
        self.zone = aws.route53.Zone(
            ctx.name("writer-zone"),
            name=writer_zone_name(ctx.settings.core.environment_suffix),
            comment="Private: the writer name both fleets use for payment writes (moved by tap db)",
            vpcs=vpcs,
            tags={"Name": ctx.name("writer-zone")},
            opts=child,
        )
        self.record = aws.route53.Record(
            ctx.name("writer-record"),
            zone_id=self.zone.zone_id,
            name=self.zone.name.apply(lambda zone: f"{WRITER_LABEL}.{zone}"),
            type="CNAME",
            ttl=WRITER_TTL_SECONDS,
            records=[args.initial_target],
            # Created by Pulumi, owned by `tap db` from then on: no `pulumi up` may move the
            # writer (only a fenced, caught-up switch may). Without this, the next update
            # would point the name back at dev after a cutover: two writers.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["records"]),
        )
        self.register_outputs({"writer_record_fqdn": self.record.fqdn, "writer_zone_id": self.zone.zone_id})
