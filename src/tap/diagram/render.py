"""The graph as text: Mermaid (GitHub draws it in the README) or Graphviz DOT (`dot -Tsvg`)."""

from __future__ import annotations

from collections.abc import Callable

from tap.diagram.graph import Cluster, Graph, Node

_MERMAID_SHAPES = {"box": ('["', '"]'), "round": ('("', '")'), "db": ('[("', '")]'), "cloud": ('(("', '"))')}
_DOT_SHAPES = {"box": "box", "round": "ellipse", "db": "cylinder", "cloud": "doublecircle"}


def _nested(
    g: Graph, node: Callable[[Node, str], list[str]], cluster: Callable[[Cluster, str, list[str]], list[str]]
) -> list[str]:
    """Nodes and clusters, each cluster's content inside it, depth by depth."""
    children: dict[str, list[Cluster]] = {}
    for c in g.clusters:
        children.setdefault(c.parent, []).append(c)
    nodes_in: dict[str, list[Node]] = {}
    for n in g.nodes:
        nodes_in.setdefault(n.cluster, []).append(n)

    def emit(parent: str, depth: int) -> list[str]:
        pad = "  " * depth
        lines = [line for n in nodes_in.get(parent, []) for line in node(n, pad)]
        for c in children.get(parent, []):
            lines += cluster(c, pad, emit(c.id, depth + 1))
        return lines

    return emit("", 1)


def _escape_mermaid(text: str) -> str:
    return text.replace('"', "#quot;")


def _mermaid_node(n: Node, pad: str) -> list[str]:
    left, right = _MERMAID_SHAPES[n.shape]
    return [f"{pad}{n.id}{left}{_escape_mermaid(n.label)}{right}"]


def _mermaid_cluster(c: Cluster, pad: str, inner: list[str]) -> list[str]:
    return [f'{pad}subgraph {c.id}["{_escape_mermaid(c.label)}"]', *inner, f"{pad}end"]


def to_mermaid(g: Graph) -> str:
    lines = ["flowchart LR", *_nested(g, _mermaid_node, _mermaid_cluster)]
    for e in g.edges:
        arrow = "-.->" if e.dashed else "-->"
        label = f"|{_escape_mermaid(e.label)}|" if e.label else ""
        lines.append(f"  {e.src} {arrow}{label} {e.dst}")
    return "\n".join(lines) + "\n"


def _escape_dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<br/>", "\\n")


def _dot_node(n: Node, pad: str) -> list[str]:
    return [f'{pad}{n.id} [label="{_escape_dot(n.label)}", shape={_DOT_SHAPES[n.shape]}];']


def _dot_cluster(c: Cluster, pad: str, inner: list[str]) -> list[str]:
    return [f"{pad}subgraph cluster_{c.id} {{", f'{pad}  label="{_escape_dot(c.label)}";', *inner, f"{pad}}}"]


def to_dot(g: Graph) -> str:
    lines = [
        "digraph tap {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
        *_nested(g, _dot_node, _dot_cluster),
    ]
    for e in g.edges:
        attrs = [f'label="{_escape_dot(e.label)}"'] if e.label else []
        if e.dashed:
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {e.src} -> {e.dst}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"
