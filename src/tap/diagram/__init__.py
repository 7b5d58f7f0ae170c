"""The architecture diagram, drawn from an offline `Plan` rather than by hand.

Every box is a resource the program declares in that phase and every arrow is a reference one
resource's inputs make to another (a listener forwarding to a target group, an ASG attached to
it, a route through a NAT gateway, a record aliasing the ALB, a replication rule naming the
replica bucket). So the diagram changes when the program changes, and a phase without a
resource shows no box for it. `DRAW` lists the per-concern entries (like `RULES` in
tap.policies); rendered as Mermaid or Graphviz DOT (tap.diagram.render).
"""

from __future__ import annotations

from tap.diagram import data, network
from tap.diagram.data import WRITER_EDGE
from tap.diagram.graph import Canvas, Draw, Graph
from tap.diagram.render import to_dot, to_mermaid
from tap.errors import TapError
from tap.offline.plan import Plan

__all__ = ["DRAW", "FORMATS", "WRITER_EDGE", "DiagramError", "Graph", "build", "render"]

FORMATS = ("mermaid", "dot")

DRAW: tuple[Draw, ...] = (*network.DRAW, *data.DRAW)


class DiagramError(TapError):
    """An unknown diagram format."""

    exit_code = 2


def build(plan: Plan) -> Graph:
    """The component graph of one phase's plan."""
    canvas = Canvas(plan)
    canvas.node("internet", "Internet / clients", shape="cloud")
    for draw in DRAW:
        draw(canvas)
    g = canvas.graph
    # The engine registers resources concurrently, so plan order varies between renders; sort
    # so the same program always gives the same text (the README check compares it).
    g.clusters.sort(key=lambda c: (c.parent, c.id))
    g.nodes.sort(key=lambda n: (n.cluster, n.id))
    g.edges.sort(key=lambda e: (e.src, e.dst, e.label))
    return g


def render(plan: Plan, fmt: str = "mermaid") -> str:
    """The diagram of `plan` in `fmt` (mermaid or dot)."""
    if fmt not in FORMATS:
        raise DiagramError(f"unknown diagram format {fmt!r}; allowed: {', '.join(FORMATS)}")
    graph = build(plan)
    return to_mermaid(graph) if fmt == "mermaid" else to_dot(graph)
