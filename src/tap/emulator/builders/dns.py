"""Route53: the public and the writer zone, health checks, the weighted records, and the
writer record as `tap db cutover` leaves it."""

from __future__ import annotations

from typing import Any

from tap import aws_types as t
from tap.emulator.registry import SeedContext, builds, num, step
from tap.offline.plan import PlannedResource

HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
WRITER_SWITCHED = "writer-switched"


@builds(t.ROUTE53_ZONE)
def zone(ctx: SeedContext, r: PlannedResource) -> None:
    r53, vpcs = ctx.client("route53"), r.get("vpcs") or []
    private: dict[str, Any] = {}
    if vpcs:
        first = vpcs[0]
        private = {
            "VPC": {
                "VPCRegion": first.get("vpcRegion") or ctx.region,
                "VPCId": ctx.sub.value(first["vpcId"]),
            },
            "HostedZoneConfig": {"Comment": r.get("comment") or "", "PrivateZone": True},
        }
    zid = r53.create_hosted_zone(Name=r.get("name"), CallerReference=r.name, **private)["HostedZone"]["Id"]
    for v in vpcs[1:]:
        r53.associate_vpc_with_hosted_zone(
            HostedZoneId=zid,
            VPC={"VPCRegion": v.get("vpcRegion") or ctx.region, "VPCId": ctx.sub.value(v["vpcId"])},
        )
    ctx.sub.add(r.id, zid.split("/")[-1])


@builds(HEALTH_CHECK)
def health_check(ctx: SeedContext, r: PlannedResource) -> None:
    config = {
        "Type": r.get("type"),
        "FullyQualifiedDomainName": ctx.sub.value(r.get("fqdn")),
        "Port": num(r.get("port", 443)),
        "ResourcePath": r.get("resourcePath", "/"),
        "RequestInterval": num(r.get("requestInterval", 30)),
        "FailureThreshold": num(r.get("failureThreshold", 3)),
    }
    got = ctx.client("route53").create_health_check(CallerReference=r.name, HealthCheckConfig=config)
    ctx.sub.add(r.id, got["HealthCheck"]["Id"])


def record_set(ctx: SeedContext, r: PlannedResource) -> dict[str, Any]:
    """The record as Route53 takes it, with the emulator's ids."""
    s = ctx.sub
    rrset: dict[str, Any] = {"Name": r.get("name"), "Type": r.get("type")}
    if r.get("setIdentifier"):
        rrset["SetIdentifier"] = r.get("setIdentifier")
    for policy in r.get("weightedRoutingPolicies") or []:
        rrset["Weight"] = num(policy.get("weight"))
    if r.get("healthCheckId"):
        rrset["HealthCheckId"] = s.value(r.get("healthCheckId"))
    aliases = r.get("aliases") or []
    if aliases:
        a = aliases[0]
        rrset["AliasTarget"] = {
            "DNSName": s.value(a.get("name")),
            "HostedZoneId": s.value(a.get("zoneId")),
            "EvaluateTargetHealth": bool(a.get("evaluateTargetHealth")),
        }
    else:
        rrset["TTL"] = num(r.get("ttl", 60))
        rrset["ResourceRecords"] = [{"Value": v} for v in r.get("records") or []]
    return rrset


@builds(t.ROUTE53_RECORD)
def record(ctx: SeedContext, r: PlannedResource) -> None:
    ctx.client("route53").change_resource_record_sets(
        HostedZoneId=ctx.sub.value(r.get("zoneId")),
        ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": record_set(ctx, r)}]},
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
    rrset = {
        "Name": rec.get("name"),
        "Type": "CNAME",
        "TTL": num(rec.get("ttl")),
        "ResourceRecords": [{"Value": ctx.sub.text(prod.outputs["address"])}],
    }
    ctx.client("route53").change_resource_record_sets(
        HostedZoneId=ctx.sub.value(zone_id),
        ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": rrset}]},
    )
