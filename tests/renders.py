"""One offline render per distinct settings for the session (each xdist worker has its own),
shared by `plan_of` and by the `tap` commands that tests run in process through CliRunner.

A render costs ~0.6 s (the first in a process ~4 s, pulumi_aws's imports) and the CLI tests run
`tap cost` (nine phases), `tap verify`, `tap preflight`, `tap rehearse`, `tap outputs`... on the
same example settings again and again. Renders are deterministic, which
tests/unit/test_program.py::test_r13_3 checks with two renders of its own (never shared: that
module binds the engine's `render` itself, which `share_renders` leaves alone).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import pytest

from tap.offline import engine
from tap.offline.plan import Plan

ENGINE_RENDER = engine.render
_RENDERS: dict[str, Plan] = {}


def render_once(values: Mapping[str, object], *, stack: str = "example") -> Plan:
    """`tap.offline.engine.render`, once per session for the same values (in the same key order
    and types: 1, 1.0 and True are three keys) and stack. A settings error is raised each time."""
    key = repr((stack, dict(values)))
    if key not in _RENDERS:
        _RENDERS[key] = ENGINE_RENDER(values, stack=stack)
    return _RENDERS[key]


def share_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """For one test: every `tap` module that calls the engine's render, calls `render_once`
    (those that import it late, inside a function, read the patched engine attribute)."""
    monkeypatch.setattr(engine, "render", render_once)
    for name, module in list(sys.modules.items()):
        if name.startswith("tap.") and getattr(module, "render", None) is ENGINE_RENDER:
            monkeypatch.setattr(module, "render", render_once)
