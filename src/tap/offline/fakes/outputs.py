"""A resource's id and state in the mock engine: its inputs echoed back, overlaid with what AWS
would compute, from the fake registered for its type (or a generic one)."""

from __future__ import annotations

from typing import Any

from tap.offline.fakes import compute, data, edge, identity, network, observability
from tap.offline.fakes.context import Fake, FakeContext, uuid


def _merged(*tables: dict[str, Fake]) -> dict[str, Fake]:
    merged: dict[str, Fake] = {}
    for table in tables:
        if twice := merged.keys() & table.keys():
            raise ValueError(f"two fakes for {sorted(twice)}")
        merged.update(table)
    return merged


FAKES = _merged(network.FAKES, identity.FAKES, data.FAKES, compute.FAKES, edge.FAKES, observability.FAKES)


def provider_outputs(c: FakeContext) -> tuple[str, dict[str, Any]]:
    return uuid(c), {}


def generic(c: FakeContext) -> tuple[str, dict[str, Any]]:
    """Types without a dedicated fake still get a stable id and an ARN of the right shape."""
    service = c.typ.split(":")[1].split("/")[0] if c.typ.count(":") >= 2 else "tap"
    rid = c.physical_name()
    return rid, {"arn": c.arn(service, rid)}


def outputs_for(c: FakeContext) -> tuple[str, dict[str, Any]]:
    """id and state for a resource: inputs echoed back, overlaid with what AWS would compute."""
    make = FAKES.get(c.typ)
    if make is None and c.typ.startswith("pulumi:providers:"):
        make = provider_outputs
    rid, extra = (make or generic)(c)
    state = {**c.inputs, **extra}
    state.setdefault("id", rid)
    if c.typ.startswith("aws:"):
        state.setdefault("region", c.region)
    # Map-tagged resources get provider default tags merged in (ASGs take a list instead).
    if isinstance(c.inputs.get("tags"), dict):
        state["tagsAll"] = dict(c.inputs["tags"])
    return rid, state
