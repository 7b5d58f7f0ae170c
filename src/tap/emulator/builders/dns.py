"""Route53: the public and the writer zone, health checks, the weighted records, and the
writer record as `tap db cutover` leaves it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tap import aws_types as t
from tap.emulator.registry import SeedContext, builds, step
from tap.offline.plan import PlannedResource
from tap.values import integer
from tap.weighted_records import planned_record_set

if TYPE_CHECKING:
    from types_boto3_route53.literals import VPCRegionType
    from types_boto3_route53.type_defs import (
        CreateHostedZoneRequestTypeDef,
        HealthCheckConfigTypeDef,
        ResourceRecordSetTypeDef,
        VPCTypeDef,
    )

WRITER_SWITCHED = "writer-switched"


def _vpc(ctx: SeedContext, v: dict[str, Any]) -> VPCTypeDef:
    # the region as the plan names it, or the stack's (settings checked it is an AWS region)
    return {
        "VPCRegion": cast("VPCRegionType", v.get("vpcRegion") or ctx.region),
        "VPCId": ctx.sub.value(v["vpcId"]),
    }


@builds(t.ROUTE53_ZONE)
def zone(ctx: SeedContext, r: PlannedResource) -> None:
    r53, vpcs = ctx.clients.client("route53"), r.get("vpcs") or []
    request: CreateHostedZoneRequestTypeDef = {"Name": r.get("name"), "CallerReference": r.name}
    if vpcs:
        request["VPC"] = _vpc(ctx, vpcs[0])
        request["HostedZoneConfig"] = {"Comment": r.get("comment") or "", "PrivateZone": True}
    zid = r53.create_hosted_zone(**request)["HostedZone"]["Id"]
    for v in vpcs[1:]:
        r53.associate_vpc_with_hosted_zone(HostedZoneId=zid, VPC=_vpc(ctx, v))
    ctx.sub.add(r.id, zid.split("/")[-1])


@builds(t.ROUTE53_HEALTH_CHECK)
def health_check(ctx: SeedContext, r: PlannedResource) -> None:
    config: HealthCheckConfigTypeDef = {
        "Type": r.get("type"),
        "FullyQualifiedDomainName": ctx.sub.value(r.get("fqdn")),
        "Port": integer(r.get("port", 443)),
        "ResourcePath": r.get("resourcePath", "/"),
        "RequestInterval": integer(r.get("requestInterval", 30)),
        "FailureThreshold": integer(r.get("failureThreshold", 3)),
    }
    got = ctx.clients.client("route53").create_health_check(CallerReference=r.name, HealthCheckConfig=config)
    ctx.sub.add(r.id, got["HealthCheck"]["Id"])


@builds(t.ROUTE53_RECORD)
def record(ctx: SeedContext, r: PlannedResource) -> None:
    ctx.clients.client("route53").change_resource_record_sets(
        HostedZoneId=ctx.sub.value(r.get("zoneId")),
        ChangeBatch={
            "Changes": [
                {"Action": "UPSERT", "ResourceRecordSet": planned_record_set(r.inputs, swap=ctx.sub.value)}
            ]
        },
    )


@step(WRITER_SWITCHED)
def writer_switched(ctx: SeedContext) -> None:
    """From the phases that require it, `tap db cutover` has moved the writer record to
    production (Pulumi created it on dev and never moves it): the deployment as it stands."""
    if not ctx.plan.settings.phase_plan.requires_writer_switch:
        return
    prod = next((r for r in ctx.of(t.RDS_INSTANCE) if not r.get("replicateSourceDb")), None)
    writer_zone = next((z for z in ctx.of(t.ROUTE53_ZONE) if z.get("vpcs")), None)
    if prod is None or writer_zone is None:
        return
    zone_id = writer_zone.outputs["zoneId"]
    rec = next(r for r in ctx.of(t.ROUTE53_RECORD) if r.get("zoneId") == zone_id)
    rrset: ResourceRecordSetTypeDef = {
        "Name": rec.get("name"),
        "Type": "CNAME",
        "TTL": integer(rec.get("ttl")),
        "ResourceRecords": [{"Value": ctx.sub.text(prod.outputs["address"])}],
    }
    ctx.clients.client("route53").change_resource_record_sets(
        HostedZoneId=ctx.sub.value(zone_id),
        ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": rrset}]},
    )
