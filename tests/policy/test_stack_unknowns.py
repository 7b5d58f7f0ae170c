"""SPEC R16: during `pulumi preview` a stack rule sees the outputs of resources being created or
replaced as unknown. A rule that cannot tell yet must wait for `pulumi up`, never report: a
correct change blocked by a mandatory policy is a change nobody can ship."""

from __future__ import annotations

import dataclasses

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from tap.policies.registry import STACK_RULES
from tap.policies.runner import StackResource
from tests.policy.examples import stack_violations
from tests.policy.stack_examples import good_stack

CASES = [(i, r.name, key) for i, r in enumerate(good_stack()) for key in r.props]


def _one_unknown(i: int, key: str) -> list[StackResource]:
    rs = good_stack()
    props = {**rs[i].props, key: UNKNOWN_STRING_VALUE}
    rs[i] = dataclasses.replace(rs[i], props=unknown_checking_proxy(props))
    return rs


@pytest.mark.parametrize(("i", "name", "key"), CASES, ids=[f"{c[1]}.{c[2]}" for c in CASES])
def test_r16_stack_rules_wait_for_a_value_not_known_yet(i: int, name: str, key: str) -> None:
    rs = _one_unknown(i, key)
    found = {rule.name: stack_violations(rule, rs) for rule in STACK_RULES}
    assert {k: v for k, v in found.items() if v} == {}
