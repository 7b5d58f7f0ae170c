"""Fence statements must not replicate (issue 10): the rule that production's parameter group
sets `replicate-ignore-db=mysql`, against the real plan of every phase that has the group, and
against that plan with the filter removed or pointed at another schema."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from tap import aws_types as t
from tap.offline.plan import Plan
from tap.phases import Phase
from tap.policies.runner import check_plan

RULE = "replication-ignores-mysql-schema"
WITH_GROUP = [p for p in Phase if p not in (Phase.INITIAL, Phase.SEED)]


def _failures(plan: Plan) -> list[str]:
    report = check_plan(plan)
    assert RULE in report.rules
    return [f.message for f in report.findings if f.rule == RULE and not f.passed]


def _with_parameters(plan: Plan, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Plan:
    resources = tuple(
        dataclasses.replace(r, inputs={**r.inputs, "parameters": change(list(r.inputs["parameters"]))})
        if r.type == t.RDS_PARAMETER_GROUP
        else r
        for r in plan.resources
    )
    return dataclasses.replace(plan, resources=resources)


def _set_ignore_db(value: str) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    return lambda ps: [{**p, "value": value} if p["name"] == "replicate-ignore-db" else p for p in ps]


@pytest.mark.parametrize("phase", WITH_GROUP, ids=[p.value for p in WITH_GROUP])
def test_the_real_parameter_group_keeps_fences_on_their_side(
    plans: Callable[[Phase], Plan], phase: Phase
) -> None:
    plan = plans(phase)
    assert plan.of_type(t.RDS_PARAMETER_GROUP), "the phase has production's parameter group"
    assert _failures(plan) == []


def test_the_rule_fails_when_the_filter_is_removed_or_names_another_schema(
    plans: Callable[[Phase], Plan],
) -> None:
    plan = plans(Phase.BLUE_GREEN)
    removed = _with_parameters(plan, lambda ps: [p for p in ps if p["name"] != "replicate-ignore-db"])
    assert any("does not set replicate-ignore-db=mysql" in m for m in _failures(removed))
    other = _with_parameters(plan, _set_ignore_db("payments"))
    assert any("'payments'" in m and "must include 'mysql'" in m for m in _failures(other))
    # a list that still includes the mysql schema keeps the fence on its side
    assert _failures(_with_parameters(plan, _set_ignore_db("payments_archive, mysql"))) == []
