"""SPEC R12.2: one codec for the flat outputs. Everything that reads outputs (tap.live,
tap.migration, the live tests, `tap outputs --from`) decodes through tap.outputs.codec, by each
output's declared type, so none of them can read a value differently from another."""

from __future__ import annotations

import json
import types
import typing
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tap.live.outputs import parse_outputs
from tap.migration.deployment import Deployment
from tap.offline.plan import Plan
from tap.outputs import DESCRIPTIONS, TYPES, OutputsFormatError, flatten, unflatten
from tap.provenance import OFFLINE_PLAN, PROVENANCE_KEY, is_offline, mark_offline
from tests.integration.flat_outputs import FlatOutputs

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def _values(hint: Any) -> st.SearchStrategy[Any]:
    """Every value the declared type admits, except what the flat form cannot hold: the string
    "null" for an output that may also be None (test below)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        (inner,) = [h for h in typing.get_args(hint) if h is not type(None)]
        text = st.text().filter(lambda s: s != "null") if inner is str else _values(inner)
        return st.none() | text
    if typing.get_origin(hint) is list:
        return st.lists(_values(typing.get_args(hint)[0]), max_size=4)
    if typing.get_origin(hint) is dict:
        return st.dictionaries(st.text(), _JSON, max_size=3)
    return {str: st.text(), int: st.integers(), bool: st.booleans()}[hint]


ANY_OUTPUTS = st.fixed_dictionaries({name: _values(hint) for name, hint in TYPES.items()})


@settings(max_examples=60, deadline=None)
@given(outputs=ANY_OUTPUTS, offline=st.booleans())
def test_r12_2_flatten_then_unflatten_is_identity_for_every_output(
    outputs: dict[str, Any], offline: bool
) -> None:
    doc = mark_offline(outputs) if offline else outputs
    flat = flatten(doc)
    assert all(isinstance(v, str) for v in flat.values())
    assert unflatten(flat) == doc
    assert is_offline(unflatten(flat)) is offline  # the provenance mark survives both ways
    # `pulumi stack output --json` keeps native types: the same decode reads them unchanged.
    assert unflatten(doc) == doc


@given(outputs=ANY_OUTPUTS)
@settings(max_examples=20, deadline=None)
def test_r12_2_every_reader_decodes_like_the_codec(outputs: dict[str, Any]) -> None:
    flat = flatten(outputs)
    assert dict(parse_outputs(flat).values) == outputs
    assert dict(Deployment.from_flat(flat).values) == outputs
    tests_reader = FlatOutputs(flat, "hypothesis")
    assert {k: tests_reader.decoded(k) for k in outputs if tests_reader.has(k)} == {
        k: v for k, v in outputs.items() if v not in (None, "")
    }


def test_r12_2_live_and_migration_read_the_port_as_the_plan_wrote_it(any_phase_plan: Plan) -> None:
    """They once disagreed: tap.live left "3306" a string, tap.migration made it 3306."""
    flat = flatten(any_phase_plan.outputs)
    live, migration = parse_outputs(flat).values, Deployment.from_flat(flat).values
    for key, value in any_phase_plan.outputs.items():
        assert live[key] == migration[key] == value, key
    if any_phase_plan.outputs["db_instance_port"] is not None:
        assert live["db_instance_port"] == 3306 and flat["db_instance_port"] == "3306"


def test_r12_2_a_string_output_that_looks_like_json_stays_a_string() -> None:
    assert unflatten({"vpc_id": "3306", "ami_id": "null", "app_fqdn": "[x]"}) == {
        "vpc_id": "3306",
        "ami_id": "null",  # not null-able: the string itself
        "app_fqdn": "[x]",
    }
    assert unflatten({"db_instance_identifier": "null", "db_instance_port": "3306"}) == {
        "db_instance_identifier": None,
        "db_instance_port": 3306,
    }


def test_r12_2_the_string_null_of_a_null_able_output_is_refused_not_lost() -> None:
    with pytest.raises(OutputsFormatError, match="'db_instance_identifier' is the string 'null'"):
        flatten({"db_instance_identifier": "null"})
    assert flatten({PROVENANCE_KEY: OFFLINE_PLAN}) == {PROVENANCE_KEY: OFFLINE_PLAN}


def test_r12_2_undeclared_keys_pass_through_and_bad_json_is_left_for_the_reader_to_name() -> None:
    assert unflatten({"not_an_output": "[1]", "alarm_names": "[oops"}) == {
        "not_an_output": "[1]",
        "alarm_names": "[oops",
    }
    assert json.loads(flatten({"alarm_names": ["a"]})["alarm_names"]) == ["a"]


def test_every_output_is_described() -> None:
    """terraform-aws-modules documents every output; so do we, once, in the contract."""
    assert set(DESCRIPTIONS) == set(TYPES)
    for name, text in DESCRIPTIONS.items():
        assert text.strip() and text[0].isupper() and text.endswith("."), name
