"""The architecture diagram, drawn from an offline `Plan` rather than by hand.

Every box is a resource the program declares in that phase and every arrow is a reference one
resource's inputs make to another (a listener forwarding to a target group, an ASG attached to
it, a route through a NAT gateway, a record aliasing the ALB, a replication rule naming the
replica bucket). So the diagram changes when the program changes, and a phase without a
resource shows no box for it. Rendered as Mermaid (GitHub draws it in the README) or Graphviz
DOT (`dot -Tsvg`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tap.errors import TapError
from tap.offline.plan import Plan, PlannedResource

FORMATS = ("mermaid", "dot")

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
IGW = "aws:ec2/internetGateway:InternetGateway"
NAT = "aws:ec2/natGateway:NatGateway"
ROUTE = "aws:ec2/route:Route"
ASSOC = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
TG = "aws:lb/targetGroup:TargetGroup"
ASG = "aws:autoscaling/group:Group"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
WAF = "aws:wafv2/webAcl:WebAcl"
WAF_ASSOC = "aws:wafv2/webAclAssociation:WebAclAssociation"
RDS = "aws:rds/instance:Instance"
DB_SUBNETS = "aws:rds/subnetGroup:SubnetGroup"
SNAPSHOT = "aws:rds/snapshot:Snapshot"
SNAPSHOT_COPY = "aws:rds/snapshotCopy:SnapshotCopy"
PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
PARAMETER = "aws:ssm/parameter:Parameter"
WRITER_EDGE = "MySQL 3306 via the writer name (SSM)"
BUCKET = "aws:s3/bucket:Bucket"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
ZONE = "aws:route53/zone:Zone"
RECORD = "aws:route53/record:Record"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
KMS_KEY = "aws:kms/key:Key"
TABLE = "aws:dynamodb/table:Table"


class DiagramError(TapError):
    """An unknown diagram format."""

    exit_code = 2


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    cluster: str = ""
    shape: str = "box"  # box | round | db | cloud


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str = ""
    dashed: bool = False


@dataclass(frozen=True)
class Cluster:
    id: str
    label: str
    parent: str = ""


@dataclass
class Graph:
    """Boxes, arrows and nested groups, independent of the output format."""

    clusters: list[Cluster] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def add_edge(self, src: str, dst: str, label: str = "", dashed: bool = False) -> None:
        edge = Edge(src, dst, label, dashed)
        if edge not in self.edges:
            self.edges.append(edge)

    def node_ids(self) -> set[str]:
        return {n.id for n in self.nodes}


def node_id(r: PlannedResource) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", r.name)


def _refs(value: Any) -> Iterator[str]:
    """Every string inside an input value (references are ids, ARNs or names)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _refs(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _refs(v)


class _Index:
    """Finds the resource a reference (id, ARN, name, DNS name) points at."""

    KEYS = ("arn", "dbSnapshotArn", "name", "bucket", "dnsName", "identifier", "keyId")

    def __init__(self, resources: Iterable[PlannedResource]) -> None:
        # One reference can name several resources (a bucket and its replication config share
        # an id), so lookups also filter by type.
        self.by_ref: dict[str, list[PlannedResource]] = {}
        for r in resources:
            if not r.custom or r.is_provider:
                continue
            refs = {r.id} | {v for k in self.KEYS if isinstance(v := r.outputs.get(k), str)}
            for ref in refs - {""}:
                self.by_ref.setdefault(ref, []).append(r)

    def targets(self, value: Any, typ: str) -> list[PlannedResource]:
        found: list[PlannedResource] = []
        for ref in _refs(value):
            for r in self.by_ref.get(ref, []):
                if r.type == typ and r not in found:
                    found.append(r)
        return found


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


def build(plan: Plan) -> Graph:
    phase_plan = plan.settings.phase_plan
    """The component graph of one phase's plan."""
    g = Graph()
    idx = _Index(plan.resources)
    tier = plan.settings.core
    g.nodes.append(Node("internet", "Internet / clients", shape="cloud"))

    # --- network: VPC, one cluster per AZ holding its subnets and NAT gateway -------------
    vpcs = plan.of_type(VPC)
    vpc_cluster = ""
    if vpcs:
        vpc = vpcs[0]
        vpc_cluster = "vpc"
        g.clusters.append(Cluster("vpc", f"VPC {vpc.get('cidrBlock', '')} ({tier.region})"))
    subnets = plan.of_type(SUBNET)
    az_of: dict[str, str] = {}
    for s in subnets:
        az = str(s.get("availabilityZone", ""))
        cid = "az_" + re.sub(r"[^a-z0-9]", "_", az)
        if all(c.id != cid for c in g.clusters):
            g.clusters.append(Cluster(cid, az, vpc_cluster))
        kind = (s.get("tags") or {}).get("Tier", "subnet")
        g.nodes.append(Node(node_id(s), f"{kind} subnet {s.get('cidrBlock', '')}", cid))
        az_of[s.id] = cid
    for igw in plan.of_type(IGW):
        g.nodes.append(Node(node_id(igw), "Internet gateway", vpc_cluster, "round"))
        g.add_edge("internet", node_id(igw))
    for nat in plan.of_type(NAT):
        in_subnets = idx.targets(nat.get("subnetId"), SUBNET)
        home = in_subnets[0] if in_subnets else None
        cluster = az_of.get(home.id, vpc_cluster) if home else vpc_cluster
        g.nodes.append(Node(node_id(nat), "NAT gateway + EIP", cluster, "round"))
        if home is not None:
            g.add_edge(node_id(home), node_id(nat), "in", dashed=True)
    # private subnet -> its route table's NAT (the per-AZ egress path)
    nat_by_table: dict[str, PlannedResource] = {}
    for route in plan.of_type(ROUTE):
        nats = idx.targets(route.get("natGatewayId"), NAT)
        if nats:
            nat_by_table[str(route.get("routeTableId"))] = nats[0]
    for assoc in plan.of_type(ASSOC):
        via = nat_by_table.get(str(assoc.get("routeTableId")))
        for subnet in idx.targets(assoc.get("subnetId"), SUBNET):
            if via is not None:
                g.add_edge(node_id(subnet), node_id(via), "egress 0.0.0.0/0")
    for igw in plan.of_type(IGW):
        for nat in plan.of_type(NAT):
            g.add_edge(node_id(nat), node_id(igw))
    for ep in plan.of_type(ENDPOINT):
        g.nodes.append(Node(node_id(ep), "S3 gateway endpoint", vpc_cluster, "round"))

    # --- traffic: DNS, WAF, ALB, listener weights, target groups, fleets ------------------
    lbs = plan.of_type(LB)
    for lb in lbs:
        g.nodes.append(Node(node_id(lb), f"ALB {lb.outputs.get('name', lb.name)}", vpc_cluster))
        g.add_edge("internet", node_id(lb), "HTTPS 443")
    for acl in plan.of_type(WAF):
        g.nodes.append(Node(node_id(acl), "WAF web ACL", "", "round"))
        for assoc in plan.of_type(WAF_ASSOC):
            for lb in idx.targets(assoc.get("resourceArn"), LB):
                g.add_edge(node_id(acl), node_id(lb), "filters", dashed=True)
    for tg in plan.of_type(TG):
        port = _int(tg.get("port"))
        g.nodes.append(
            Node(node_id(tg), f"target group {tg.outputs.get('name', tg.name)} :{port}", vpc_cluster)
        )
    for listener in plan.of_type(LISTENER):
        lbs_of = idx.targets(listener.get("loadBalancerArn"), LB)
        for action in listener.get("defaultActions") or []:
            groups = ((action.get("forward") or {}).get("targetGroups") or []) if action else []
            for tgref in groups:
                for tg in idx.targets(tgref.get("arn"), TG):
                    for lb in lbs_of:
                        g.add_edge(node_id(lb), node_id(tg), f"weight {_int(tgref.get('weight'))}")
    templates = {lt.id: lt for lt in plan.of_type(LT)}
    for asg in plan.of_type(ASG):
        lt = templates.get(str((asg.get("launchTemplate") or {}).get("id", "")))
        itype = lt.get("instanceType", "?") if lt else "?"
        label = (
            f"ASG {asg.outputs.get('name', asg.name)}<br/>{itype} desired "
            f"{_int(asg.get('desiredCapacity'))} (min {_int(asg.get('minSize'))}, "
            f"max {_int(asg.get('maxSize'))})<br/>private subnets"
        )
        g.nodes.append(Node(node_id(asg), label, vpc_cluster))
        for tg in idx.targets(asg.get("targetGroupArns"), TG):
            g.add_edge(node_id(tg), node_id(asg), "HTTP 8080 /health")

    # --- data: dev DB (read), seed replica, snapshot chain, prod DB -----------------------
    prod_dbs = [r for r in plan.of_type(RDS) if not r.read and not r.get("replicateSourceDb")]
    replicas = [r for r in plan.of_type(RDS) if not r.read and r.get("replicateSourceDb")]
    dev_dbs = [r for r in plan.of_type(RDS) if r.read]
    for db in dev_dbs:
        g.nodes.append(Node(node_id(db), f"dev MySQL {db.id}<br/>(read only, never managed)", "", "db"))
    for rep in replicas:
        g.nodes.append(Node(node_id(rep), f"seed replica of dev {rep.get('instanceClass', '')}", "", "db"))
        for db in idx.targets(rep.get("replicateSourceDb"), RDS):
            g.add_edge(node_id(db), node_id(rep), "read replica")
    for snap in plan.of_type(SNAPSHOT):
        g.nodes.append(Node(node_id(snap), "seed snapshot at recorded binlog position", "", "round"))
        for db in idx.targets(snap.get("dbInstanceIdentifier"), RDS):
            g.add_edge(node_id(db), node_id(snap), "replication stopped")
    for copy in plan.of_type(SNAPSHOT_COPY):
        g.nodes.append(Node(node_id(copy), "snapshot copy, KMS-encrypted", "", "round"))
        for snap in idx.targets(copy.get("sourceDbSnapshotIdentifier"), SNAPSHOT):
            g.add_edge(node_id(snap), node_id(copy), "copy + encrypt")
    for db in prod_dbs:
        multi = "Multi-AZ" if db.get("multiAz") else "single-AZ"
        g.nodes.append(
            Node(
                node_id(db),
                f"RDS MySQL {db.get('instanceClass', '')} {multi}<br/>private subnets",
                vpc_cluster,
                "db",
            )
        )
        for copy in idx.targets(db.get("snapshotIdentifier"), SNAPSHOT_COPY):
            g.add_edge(node_id(copy), node_id(db), "restore")
        for dev in dev_dbs:
            if phase_plan.replicates_from_dev:
                g.add_edge(node_id(dev), node_id(db), "binlog replication over TLS (tap db sync)")
            elif phase_plan.requires_writer_switch and phase_plan.dev_link:
                g.add_edge(node_id(db), node_id(dev), "reverse replication (tap db fallback)", dashed=True)
    for pcx in plan.of_type(PEERING):
        g.nodes.append(Node(node_id(pcx), "VPC peering with dev (MySQL 3306 only)", "", "round"))

    # --- DNS -------------------------------------------------------------------------------
    for zone in plan.of_type(ZONE):
        g.clusters.append(Cluster(node_id(zone), f"Route53 zone {zone.get('name', '')}"))
    dev_node = ""
    for rec in plan.of_type(RECORD):
        policies = rec.get("weightedRoutingPolicies") or []
        if not policies:
            continue
        zone_cluster = next((node_id(z) for z in idx.targets(rec.get("zoneId"), ZONE)), "")
        weight = _int(policies[0].get("weight"))
        g.nodes.append(
            Node(
                node_id(rec),
                f"{rec.get('name', '')} {rec.get('setIdentifier', '')}<br/>weight {weight}",
                zone_cluster,
            )
        )
        g.add_edge("internet", node_id(rec), "DNS", dashed=True)
        aliases = rec.get("aliases") or []
        targets = [lb for a in aliases for lb in idx.targets(a.get("name"), LB)]
        for lb in targets:
            g.add_edge(node_id(rec), node_id(lb), "alias")
        if not targets:
            if not dev_node:
                dev_node = "dev_environment"
                g.nodes.append(
                    Node(
                        dev_node,
                        "dev environment (t3.micro fleet behind dev's load balancer; not managed)",
                        "",
                        "cloud",
                    )
                )
            g.add_edge(node_id(rec), dev_node, "alias" if aliases else "records")
    # Which database the fleets write to: both read the writer name from SSM; the record names
    # dev until `tap db cutover` moves it, and the phase machine requires the move from
    # `blue-green` on, so from then the arrow goes to prod (Pulumi never moves the record).
    names = {str(r.get("insecureValue") or r.get("value") or "") for r in plan.of_type(PARAMETER)}
    writer_records = [r for r in plan.of_type(RECORD) if r.outputs.get("fqdn") in names]
    fleets = [node_id(a) for a in plan.of_type(ASG)] + ([dev_node] if dev_node else [])
    for rec in writer_records:
        zone_cluster = next((node_id(z) for z in idx.targets(rec.get("zoneId"), ZONE)), "")
        g.nodes.append(
            Node(node_id(rec), f"{rec.get('name', '')} CNAME TTL {rec.get('ttl', '')}", zone_cluster)
        )
        targets = (
            prod_dbs
            if phase_plan.requires_writer_switch
            else [db for db in plan.of_type(RDS) if db.outputs.get("address") in (rec.get("records") or [])]
        )
        for db in targets:
            g.add_edge(node_id(rec), node_id(db), "CNAME (moved by tap db)")
            for fleet in fleets:
                g.add_edge(fleet, node_id(db), WRITER_EDGE)

    # --- logs: bucket -> replica in the replica region ------------------------------------
    for bucket in plan.of_type(BUCKET):
        region = _region_of(plan, bucket)
        name = bucket.outputs.get("bucket", bucket.name)
        g.nodes.append(Node(node_id(bucket), f"S3 {name}<br/>({region})", "", "db"))
    for rep in plan.of_type(REPLICATION):
        sources = idx.targets(rep.get("bucket"), BUCKET)
        for rule in rep.get("rules") or []:
            dest = (rule.get("destination") or {}).get("bucket") if rule else None
            for d in idx.targets(dest, BUCKET):
                for s in sources:
                    g.add_edge(node_id(s), node_id(d), "replication (RTC 15 min)")
    for lb in lbs:
        logs = lb.get("accessLogs") or {}
        for bucket in idx.targets(logs.get("bucket"), BUCKET):
            g.add_edge(node_id(lb), node_id(bucket), "access logs", dashed=True)

    # --- monitoring ------------------------------------------------------------------------
    alarms = plan.of_type(ALARM)
    topics = plan.of_type(TOPIC)
    if alarms:
        g.nodes.append(Node("alarms", f"{len(alarms)} CloudWatch alarms", "", "round"))
        for t in topics:
            g.nodes.append(Node(node_id(t), "SNS alarm topic (KMS)", "", "round"))
            g.add_edge("alarms", node_id(t), "alarm + OK actions")
    for table in plan.of_type(TABLE):
        g.nodes.append(Node(node_id(table), "DynamoDB migration state", "", "db"))
    # The engine registers resources concurrently, so plan order varies between renders; sort
    # so the same program always gives the same text (the README check compares it).
    g.clusters.sort(key=lambda c: (c.parent, c.id))
    g.nodes.sort(key=lambda n: (n.cluster, n.id))
    g.edges.sort(key=lambda e: (e.src, e.dst, e.label))
    return g


def _int(value: Any) -> int:
    """Numbers arrive from the mock engine as floats (8080.0)."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


# ---------------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------------
_MERMAID_SHAPES = {"box": ('["', '"]'), "round": ('("', '")'), "db": ('[("', '")]'), "cloud": ('(("', '"))')}


def _escape_mermaid(text: str) -> str:
    return text.replace('"', "#quot;")


def to_mermaid(g: Graph) -> str:
    lines = ["flowchart LR"]
    children: dict[str, list[Cluster]] = {}
    for c in g.clusters:
        children.setdefault(c.parent, []).append(c)
    nodes_in: dict[str, list[Node]] = {}
    for n in g.nodes:
        nodes_in.setdefault(n.cluster, []).append(n)

    def emit(cluster: str, depth: int) -> None:
        pad = "  " * depth
        for n in nodes_in.get(cluster, []):
            left, right = _MERMAID_SHAPES[n.shape]
            lines.append(f"{pad}{n.id}{left}{_escape_mermaid(n.label)}{right}")
        for c in children.get(cluster, []):
            lines.append(f'{pad}subgraph {c.id}["{_escape_mermaid(c.label)}"]')
            emit(c.id, depth + 1)
            lines.append(f"{pad}end")

    emit("", 1)
    for e in g.edges:
        arrow = "-.->" if e.dashed else "-->"
        label = f"|{_escape_mermaid(e.label)}|" if e.label else ""
        lines.append(f"  {e.src} {arrow}{label} {e.dst}")
    return "\n".join(lines) + "\n"


_DOT_SHAPES = {"box": "box", "round": "ellipse", "db": "cylinder", "cloud": "doublecircle"}


def _escape_dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<br/>", "\\n")


def to_dot(g: Graph) -> str:
    lines = [
        "digraph tap {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    children: dict[str, list[Cluster]] = {}
    for c in g.clusters:
        children.setdefault(c.parent, []).append(c)
    nodes_in: dict[str, list[Node]] = {}
    for n in g.nodes:
        nodes_in.setdefault(n.cluster, []).append(n)

    def emit(cluster: str, depth: int) -> None:
        pad = "  " * depth
        for n in nodes_in.get(cluster, []):
            lines.append(f'{pad}{n.id} [label="{_escape_dot(n.label)}", shape={_DOT_SHAPES[n.shape]}];')
        for c in children.get(cluster, []):
            lines.append(f"{pad}subgraph cluster_{c.id} {{")
            lines.append(f'{pad}  label="{_escape_dot(c.label)}";')
            emit(c.id, depth + 1)
            lines.append(f"{pad}}}")

    emit("", 1)
    for e in g.edges:
        attrs = [f'label="{_escape_dot(e.label)}"'] if e.label else []
        if e.dashed:
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {e.src} -> {e.dst}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(plan: Plan, fmt: str = "mermaid") -> str:
    """The diagram of `plan` in `fmt` (mermaid or dot)."""
    if fmt not in FORMATS:
        raise DiagramError(f"unknown diagram format {fmt!r}; allowed: {', '.join(FORMATS)}")
    graph = build(plan)
    return to_mermaid(graph) if fmt == "mermaid" else to_dot(graph)
