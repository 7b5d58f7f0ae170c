"""The diagram's format-free graph (boxes, arrows, nested groups) and the canvas the drawing
registry fills: the plan, a reference index, and what one entry leaves for a later one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tap import aws_types as t
from tap.offline.plan import Plan, PlannedResource


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


class Index:
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


@dataclass
class Canvas:
    """What every drawing entry reads and adds to."""

    plan: Plan
    graph: Graph = field(default_factory=Graph)
    az_of: dict[str, str] = field(default_factory=dict)
    """Subnet id -> the AZ cluster it is drawn in (network entry; NAT gateways sit there)."""
    dev_node: str = ""
    """The dev environment's box, once a weighted record points outside the stack (DNS entry)."""

    def __post_init__(self) -> None:
        self.index = Index(self.plan.resources)
        self.vpc_cluster = "vpc" if self.plan.of_type(t.VPC) else ""
        """The VPC's cluster (drawn by the network entry), or the top level without a VPC."""

    def node(self, r: PlannedResource | str, label: str, cluster: str = "", shape: str = "box") -> None:
        self.graph.nodes.append(Node(r if isinstance(r, str) else node_id(r), label, cluster, shape))

    def edge(
        self, src: PlannedResource | str, dst: PlannedResource | str, label: str = "", dashed: bool = False
    ) -> None:
        ids = [x if isinstance(x, str) else node_id(x) for x in (src, dst)]
        self.graph.add_edge(ids[0], ids[1], label, dashed)

    def zone_cluster(self, record: PlannedResource) -> str:
        return next((node_id(z) for z in self.index.targets(record.get("zoneId"), t.ROUTE53_ZONE)), "")


Draw = Callable[[Canvas], None]
"""One concern's boxes and arrows (e.g. the NAT gateways'): a registry entry of `tap.diagram`."""
