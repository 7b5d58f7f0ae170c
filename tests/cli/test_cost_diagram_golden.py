"""`tap cost` and `tap diagram` for every phase, byte for byte, against committed goldens.

Both are built from per-concern registries (tap.cost.lines, tap.diagram); a refactor of a
registry must not change a line item, a node or an edge. When a change is meant to alter the
output, regenerate with `TAP_WRITE_GOLDEN=1 pytest tests/cli/test_cost_diagram_golden.py` and
say why in the commit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap import diagram
from tap.cli import app
from tap.cost.assumptions import Assumptions
from tap.cost.estimate import estimate
from tap.cost.prices import load
from tap.phases import Phase
from tests.conftest import EXAMPLE, plan_of

GOLDEN = Path(__file__).parent / "golden"


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TAP_WRITE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden {name}: run with TAP_WRITE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see this file's docstring"


@pytest.mark.parametrize("phase", list(Phase), ids=lambda p: p.value)
def test_cost_estimate_is_unchanged(phase: Phase) -> None:
    doc = estimate(plan_of(phase), load(), Assumptions()).as_json()
    _check(f"cost-{phase.value}.json", json.dumps(doc, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("fmt", diagram.FORMATS)
@pytest.mark.parametrize("phase", list(Phase), ids=lambda p: p.value)
def test_diagram_is_unchanged(phase: Phase, fmt: str) -> None:
    _check(f"diagram-{phase.value}.{fmt}", diagram.render(plan_of(phase), fmt))


@pytest.mark.parametrize(
    "args", [[], ["--json"], ["--phase", "traffic-shift-50"]], ids=["table", "json", "phase"]
)
def test_tap_cost_command_output_is_unchanged(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["cost", "--config", str(EXAMPLE), *args])
    assert result.exit_code == 0, result.output
    _check("cost-command-" + ("-".join(a.strip("-") for a in args) or "table") + ".txt", result.stdout)
