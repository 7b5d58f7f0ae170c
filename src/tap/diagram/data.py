"""Drawing entries of the data tier, DNS, logs and monitoring: dev's database (read), the seed
replica and snapshot chain, prod's database, the weighted records, the writer name, the buckets
with their replication, the alarms and the migration state table."""

from __future__ import annotations

from tap import aws_types as t
from tap.diagram.graph import Canvas, Cluster, Draw, node_id
from tap.offline.plan import Plan, PlannedResource
from tap.values import integer

WRITER_EDGE = "MySQL 3306 via the writer name (SSM)"


def _prod_dbs(plan: Plan) -> list[PlannedResource]:
    return [r for r in plan.of_type(t.RDS_INSTANCE) if not r.read and not r.get("replicateSourceDb")]


def seed_chain(c: Canvas) -> None:
    """Dev's database (read), the seed replica, the snapshot and its encrypted copy."""
    plan, idx = c.plan, c.index
    for db in (r for r in plan.of_type(t.RDS_INSTANCE) if r.read):
        c.node(db, f"dev MySQL {db.id}<br/>(read only, never managed)", "", "db")
    for rep in (r for r in plan.of_type(t.RDS_INSTANCE) if not r.read and r.get("replicateSourceDb")):
        c.node(rep, f"seed replica of dev {rep.get('instanceClass', '')}", "", "db")
        for db in idx.targets(rep.get("replicateSourceDb"), t.RDS_INSTANCE):
            c.edge(db, rep, "read replica")
    for snap in plan.of_type(t.RDS_SNAPSHOT):
        c.node(snap, "seed snapshot at recorded binlog position", "", "round")
        for db in idx.targets(snap.get("dbInstanceIdentifier"), t.RDS_INSTANCE):
            c.edge(db, snap, "replication stopped")
    for copy in plan.of_type(t.RDS_SNAPSHOT_COPY):
        c.node(copy, "snapshot copy, KMS-encrypted", "", "round")
        for snap in idx.targets(copy.get("sourceDbSnapshotIdentifier"), t.RDS_SNAPSHOT):
            c.edge(snap, copy, "copy + encrypt")


def production_db(c: Canvas) -> None:
    """Prod's database, restored from the copy, and the replication direction the phase runs."""
    plan, phase_plan = c.plan, c.plan.settings.phase_plan
    dev_dbs = [r for r in plan.of_type(t.RDS_INSTANCE) if r.read]
    for db in _prod_dbs(plan):
        multi = "Multi-AZ" if db.get("multiAz") else "single-AZ"
        c.node(
            db, f"RDS MySQL {db.get('instanceClass', '')} {multi}<br/>private subnets", c.vpc_cluster, "db"
        )
        for copy in c.index.targets(db.get("snapshotIdentifier"), t.RDS_SNAPSHOT_COPY):
            c.edge(copy, db, "restore")
        for dev in dev_dbs:
            if phase_plan.replicates_from_dev:
                c.edge(dev, db, "binlog replication over TLS (tap db sync)")
            elif phase_plan.requires_writer_switch and phase_plan.dev_link:
                c.edge(db, dev, "reverse replication (tap db fallback)", dashed=True)
    for pcx in plan.of_type(t.VPC_PEERING):
        c.node(pcx, "VPC peering with dev (MySQL 3306 only)", "", "round")


def _dev_environment(c: Canvas) -> str:
    if not c.dev_node:
        c.dev_node = "dev_environment"
        label = "dev environment (t3.micro fleet behind dev's load balancer; not managed)"
        c.node(c.dev_node, label, "", "cloud")
    return c.dev_node


def weighted_records(c: Canvas) -> None:
    """The zone, and each weighted record aliasing prod's ALB or pointing at dev's endpoint."""
    for zone in c.plan.of_type(t.ROUTE53_ZONE):
        c.graph.clusters.append(Cluster(node_id(zone), f"Route53 zone {zone.get('name', '')}"))
    for rec in c.plan.of_type(t.ROUTE53_RECORD):
        policies = rec.get("weightedRoutingPolicies") or []
        if not policies:
            continue
        weight = integer(policies[0].get("weight"))
        c.node(
            rec,
            f"{rec.get('name', '')} {rec.get('setIdentifier', '')}<br/>weight {weight}",
            c.zone_cluster(rec),
        )
        c.edge("internet", rec, "DNS", dashed=True)
        aliases = rec.get("aliases") or []
        targets = [lb for a in aliases for lb in c.index.targets(a.get("name"), t.LOAD_BALANCER)]
        for lb in targets:
            c.edge(rec, lb, "alias")
        if not targets:
            c.edge(rec, _dev_environment(c), "alias" if aliases else "records")


def writer_name(c: Canvas) -> None:
    """Which database the fleets write to: both read the writer name from SSM; the record names
    dev until `tap db cutover` moves it, and the phase machine requires the move from
    `blue-green` on, so from then the arrow goes to prod (Pulumi never moves the record)."""
    plan = c.plan
    names = {str(r.get("insecureValue") or r.get("value") or "") for r in plan.of_type(t.SSM_PARAMETER)}
    fleets = [node_id(a) for a in plan.of_type(t.ASG)] + ([c.dev_node] if c.dev_node else [])
    for rec in (r for r in plan.of_type(t.ROUTE53_RECORD) if r.outputs.get("fqdn") in names):
        c.node(rec, f"{rec.get('name', '')} CNAME TTL {rec.get('ttl', '')}", c.zone_cluster(rec))
        targets = (
            _prod_dbs(plan)
            if plan.settings.phase_plan.requires_writer_switch
            else [
                db
                for db in plan.of_type(t.RDS_INSTANCE)
                if db.outputs.get("address") in (rec.get("records") or [])
            ]
        )
        for db in targets:
            c.edge(rec, db, "CNAME (moved by tap db)")
            for fleet in fleets:
                c.edge(fleet, db, WRITER_EDGE)


def _region_of(plan: Plan, r: PlannedResource) -> str:
    """The region a resource lives in: its provider's, or the stack's."""
    region = r.outputs.get("region")
    if isinstance(region, str) and region:
        return region
    if r.provider:
        for p in plan.resources:
            if p.is_provider and r.provider.startswith(p.urn):
                region = p.inputs.get("region")
                if isinstance(region, str) and region:
                    return region
    return plan.settings.core.region


def log_buckets(c: Canvas) -> None:
    """Buckets in their regions, the replication to the replica region, the ALB's access logs."""
    plan, idx = c.plan, c.index
    for bucket in plan.of_type(t.S3_BUCKET):
        c.node(
            bucket,
            f"S3 {bucket.outputs.get('bucket', bucket.name)}<br/>({_region_of(plan, bucket)})",
            "",
            "db",
        )
    for rep in plan.of_type(t.S3_REPLICATION):
        sources = idx.targets(rep.get("bucket"), t.S3_BUCKET)
        for rule in rep.get("rules") or []:
            dest = (rule.get("destination") or {}).get("bucket") if rule else None
            for d in idx.targets(dest, t.S3_BUCKET):
                for s in sources:
                    c.edge(s, d, "replication (RTC 15 min)")
    for lb in plan.of_type(t.LOAD_BALANCER):
        for bucket in idx.targets((lb.get("accessLogs") or {}).get("bucket"), t.S3_BUCKET):
            c.edge(lb, bucket, "access logs", dashed=True)


def monitoring(c: Canvas) -> None:
    alarms = c.plan.of_type(t.METRIC_ALARM)
    if alarms:
        c.node("alarms", f"{len(alarms)} CloudWatch alarms", "", "round")
        for topic in c.plan.of_type(t.SNS_TOPIC):
            c.node(topic, "SNS alarm topic (KMS)", "", "round")
            c.edge("alarms", topic, "alarm + OK actions")
    for table in c.plan.of_type(t.DYNAMODB_TABLE):
        c.node(table, "DynamoDB migration state", "", "db")


# weighted_records draws the dev environment's box before writer_name links its fleet.
DRAW: tuple[Draw, ...] = (seed_chain, production_db, weighted_records, writer_name, log_buckets, monitoring)
