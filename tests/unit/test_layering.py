"""The package layering (issue 15): each package imports only from its own layer or the ones
below, and no two packages import each other (directly or round a longer cycle). Imports are
read with `ast`, including the ones inside functions (a late import is still a dependency).

    foundation -> program -> offline -> network -> policies -> operations -> interface
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

SRC = ROOT / "src" / "tap"

# Lowest first. A unit is a package under tap/ or a top-level module.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "foundation",
        frozenset(
            {
                "errors",
                "settings",
                "phases",
                "phase_plan",
                "naming",
                "iam_documents",
                "rds_audit",
                "aws_clients",
                "aws_errors",
                "jsonable",
                "aws_types",
                "props",
                "values",
                "provenance",
                "ami",
                "markdown_table",
                "weighted_records",
                "fence_filter",
                "registrar",
            }
        ),
    ),
    ("program", frozenset({"components", "stack", "outputs", "program"})),
    ("offline", frozenset({"offline"})),
    ("network", frozenset({"network"})),
    ("policies", frozenset({"policies"})),
    (
        "operations",
        frozenset({"live", "migration", "preflight", "cost", "diagram", "replication", "emulator"}),
    ),
    ("interface", frozenset({"cli", "docs"})),
)
LAYER_OF = {unit: i for i, (_name, units) in enumerate(LAYERS) for unit in units}


def _unit(path: Path, src: Path) -> str:
    return path.relative_to(src).parts[0].removesuffix(".py")


def _imported_units(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, unit) for every `tap.<unit>` an import names."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "tap" else [f"tap.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "tap" and len(parts) > 1:
                yield node.lineno, parts[1]


def dependencies(src: Path) -> dict[str, dict[str, str]]:
    """unit -> {imported unit: where (file:line) it is first imported}."""
    deps: dict[str, dict[str, str]] = {}
    units = {_unit(p, src) for p in src.rglob("*.py")}
    for path in sorted(src.rglob("*.py")):
        unit = _unit(path, src)
        if unit == "__init__":
            continue
        for line, target in _imported_units(ast.parse(path.read_text(encoding="utf-8"))):
            if target != unit and target in units:  # not `from tap import __version__`
                deps.setdefault(unit, {}).setdefault(target, f"{path.relative_to(src.parent)}:{line}")
    return deps


def upward_imports(deps: dict[str, dict[str, str]]) -> list[str]:
    return [
        f"{where}: {unit} ({LAYERS[LAYER_OF[unit]][0]}) imports {target} ({LAYERS[LAYER_OF[target]][0]})"
        for unit, targets in deps.items()
        for target, where in targets.items()
        if LAYER_OF[target] > LAYER_OF[unit]
    ]


def cycles(deps: dict[str, dict[str, str]]) -> list[list[str]]:
    """Every import cycle between units, each as the path that closes it."""
    found: list[list[str]] = []

    def walk(path: list[str]) -> None:
        for nxt in deps.get(path[-1], {}):
            if nxt == path[0]:
                found.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:  # each cycle once, from its smallest unit
                walk([*path, nxt])

    for start in sorted(deps):
        walk([start])
    return found


def test_every_unit_has_a_layer() -> None:
    units = {_unit(p, SRC) for p in SRC.rglob("*.py")} - {"__init__"}
    assert not units - set(LAYER_OF), f"place these in a layer of {__name__}: {sorted(units - set(LAYER_OF))}"


@cache
def tap_dependencies() -> dict[str, dict[str, str]]:
    """tap's own, parsed once for the two tests that read them (parsing every file is the cost)."""
    return dependencies(SRC)


def test_no_package_imports_from_a_layer_above_it() -> None:
    assert upward_imports(tap_dependencies()) == []


def test_no_import_cycle_between_packages() -> None:
    assert cycles(tap_dependencies()) == []


def test_the_checks_see_an_upward_import_and_a_cycle() -> None:
    deps = {"offline": {"policies": "offline/x.py:1"}, "policies": {"offline": "policies/y.py:1"}}
    assert upward_imports(deps) == ["offline/x.py:1: offline (offline) imports policies (policies)"]
    assert cycles(deps) == [["offline", "policies", "offline"]]
