"""Every resource's inputs and options, per phase, against committed fingerprints.

The plan goldens (test_plan_golden.py) record what `tap plan --json` shows: type, name, id,
protect and the outputs. A refactor can still change what is *sent*: an input, a parent, a
provider, `depends_on`, `ignore_changes`, `retain_on_delete` or a custom timeout. This test
holds one short hash of all of those per resource, so such a change names the resource it
touched. Regenerate with `TAP_WRITE_GOLDEN=1` only for a deliberate change, and say why.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tap.offline.plan import PlannedResource
from tap.phases import Phase
from tests.conftest import plan_of

GOLDEN = Path(__file__).parent / "golden"


def fingerprint(r: PlannedResource) -> str:
    """What the program asks of the engine for this resource (the engine's answer is the
    plan golden's concern); dependencies sorted, as their order is the SDK's, not ours."""
    sent: dict[str, Any] = {
        "urn": r.urn,
        "inputs": r.inputs,
        "parent": r.parent,
        "custom": r.custom,
        "provider": r.provider,
        "protect": r.protect,
        "read": r.read,
        "retain_on_delete": r.retain_on_delete,
        "dependencies": sorted(r.dependencies),
        "ignore_changes": list(r.ignore_changes),
        "custom_timeouts": r.custom_timeouts,
    }
    text = json.dumps(sent, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _fingerprints(phase: Phase) -> dict[str, str]:
    found = {f"{r.type}::{r.name}": fingerprint(r) for r in plan_of(phase).resources}
    assert len(found) == len(plan_of(phase).resources), "two resources share a type and name"
    return found


@pytest.mark.parametrize("phase", list(Phase), ids=lambda p: p.value)
def test_every_resource_sends_what_it_sent(phase: Phase) -> None:
    path = GOLDEN / f"inputs-{phase.value}.json"
    found = _fingerprints(phase)
    if os.environ.get("TAP_WRITE_GOLDEN") == "1":
        path.write_text(json.dumps(found, indent=0, sort_keys=True) + "\n")
    assert path.exists(), f"no fingerprints for {phase.value}: run with TAP_WRITE_GOLDEN=1"
    expected = json.loads(path.read_text())
    changed = sorted(k for k in expected.keys() & found.keys() if expected[k] != found[k])
    assert not changed, f"{phase.value}: inputs or options changed for {changed}"
    assert found.keys() == expected.keys(), (
        f"{phase.value}: new {sorted(found.keys() - expected.keys())}, "
        f"gone {sorted(expected.keys() - found.keys())}"
    )
