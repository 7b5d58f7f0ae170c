"""`tap plan --json` for every phase, byte for byte, against the committed goldens.

Refactors must not change what is planned. When a change is meant to alter the plan,
regenerate with `TAP_WRITE_GOLDEN=1 pytest tests/cli/test_plan_golden.py` and say why in
the commit. Only the render time is dropped: it is the one field that is not the plan.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tap.cli.plan import plan_json
from tap.phases import Phase
from tests.conftest import plan_of

GOLDEN = Path(__file__).parent / "golden"


def _document(phase: Phase) -> str:
    body = plan_json(plan_of(phase), 0.0)
    body.pop("render_seconds")
    return json.dumps(body, indent=2, sort_keys=True, default=str) + "\n"


@pytest.mark.parametrize("phase", list(Phase), ids=lambda p: p.value)
def test_plan_json_is_unchanged(phase: Phase) -> None:
    path = GOLDEN / f"plan-{phase.value}.json"
    text = _document(phase)
    if os.environ.get("TAP_WRITE_GOLDEN") == "1":
        path.write_text(text)
    assert path.exists(), f"no golden for {phase.value}: run with TAP_WRITE_GOLDEN=1"
    assert text == path.read_text(), f"tap plan --json for {phase.value} changed; see this file's docstring"
