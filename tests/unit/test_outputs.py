"""SPEC R12: outputs are typed in one place and read from the resources that own them."""

from __future__ import annotations

import contextlib
import json
import types
import typing

from tap.offline.plan import Plan
from tap.outputs import StackOutputs, flatten
from tests.helpers import leaves


def _matches(value: object, hint: object) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_matches(v, item) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    if not isinstance(hint, type):
        raise TypeError(f"no check for the output type {hint!r}")
    return isinstance(value, hint) and not (hint is int and isinstance(value, bool))


def test_r12_1_every_declared_output_is_exported_with_its_declared_type(any_phase_plan: Plan) -> None:
    hints = typing.get_type_hints(StackOutputs)
    assert set(any_phase_plan.outputs) == set(hints)
    for key, hint in hints.items():
        value = any_phase_plan.outputs[key]
        assert _matches(value, hint), f"{key}={value!r} is not {hint}"


def test_r12_1_no_output_restates_a_literal_every_value_is_read_from_a_resource(
    any_phase_plan: Plan,
) -> None:
    """Each output value must be found in the recorded state of some resource: an output built
    from a literal (e.g. Output.from_input("m5.large")) would match nothing the engine recorded
    unless a resource really carries that value."""
    recorded: set[object] = set()
    for r in any_phase_plan.resources:
        recorded.update(x for x in leaves(r.outputs) if isinstance(x, str | int | float | bool))
        # JSON documents stored in resources (the phase parameter) count through their parts.
        for x in leaves(r.outputs):
            if isinstance(x, str) and x.startswith("{"):
                with contextlib.suppress(ValueError):
                    recorded.update(y for y in leaves(json.loads(x)) if y is not None)
    for key, value in any_phase_plan.outputs.items():
        for leaf in leaves(value):
            if leaf is None:
                continue
            assert leaf in recorded, f"output {key} holds {leaf!r}, which no resource carries"


def test_r12_2_flat_form_is_strings_only_and_round_trips(plan: Plan) -> None:
    flat = flatten(plan.outputs)
    assert all(isinstance(v, str) for v in flat.values())
    assert json.loads(flat["private_subnet_ids"]) == plan.outputs["private_subnet_ids"]
    assert flat["vpc_id"] == plan.outputs["vpc_id"]


def test_outputs_name_the_resources_they_describe(plan: Plan) -> None:
    out = plan.outputs
    assert plan.by_id(out["vpc_id"]).type == "aws:ec2/vpc:Vpc"
    assert [plan.by_id(i).type for i in out["nat_gateway_ids"]] == ["aws:ec2/natGateway:NatGateway"] * 3
    assert plan.by_arn(out["kms_key_arn"]).type == "aws:kms/key:Key"
    assert plan.by_id(out["db_security_group_id"]).name.startswith("prod-db-sg")
