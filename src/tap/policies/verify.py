"""`tap verify` without the printing: every rule and the reachability matrix on one plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tap.jsonable import fields_json
from tap.live.baseline import BaselineResult
from tap.offline.plan import Plan
from tap.offline.reachability import ALB, APP, DB, DEV_APP, DEV_DB, Cell, NetworkModel, from_plan, matrix
from tap.policies.offline import PolicyReport, check_plan


@dataclass(frozen=True)
class Verification:
    """What `tap verify` found: the rule results and the reachability cells."""

    source: str  # "plan (phase ...)" or "live (vpc-...)"
    report: PolicyReport
    cells: tuple[Cell, ...]
    # The account baseline (tap.live.baseline), read only by `--live`: a plan has no account.
    baseline: tuple[BaselineResult, ...] = ()

    @property
    def wrong_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if not c.ok)

    @property
    def ok(self) -> bool:
        return self.report.ok and not self.wrong_cells and all(b.ok for b in self.baseline)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, **fields_json(self, rename={"report": "policy", "cells": "reachability"})}


def required_endpoints(plan: Plan) -> tuple[str, ...]:
    """The ALB and the fleets exist in every phase; the production database only once the phase
    machine says it has been restored."""
    needed = [ALB, APP]
    if plan.settings.phase_plan.prod_database:
        needed.append(DB)
    if plan.settings.phase_plan.dev_link:
        needed += [DEV_APP, DEV_DB]
    return tuple(needed)


def verify_model(model: NetworkModel, required: Iterable[str]) -> tuple[Cell, ...]:
    return tuple(matrix(model, required))


def verify_plan(plan: Plan) -> Verification:
    return Verification(
        source=f"offline plan, phase {plan.phase.value}",
        report=check_plan(plan),
        cells=verify_model(from_plan(plan), required_endpoints(plan)),
    )
