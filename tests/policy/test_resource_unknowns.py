"""SPEC R16: a resource rule never reports a value that is not known yet, at any depth. The
engine sends a nested object or list as one unknown when the program builds it inside an
`apply`; the existing tests cover unknown top-level inputs and unknown leaves, these cover
every node in between."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from tap.policies.registry import RESOURCE_RULES
from tap.policies.rules import ANY_TYPE
from tests.policy.examples import COMPLIANT, violations

Path = tuple[str | int, ...]


def _paths(v: Any, path: Path = ()) -> Iterator[Path]:
    if path:
        yield path
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _paths(x, (*path, k))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _paths(x, (*path, i))


def _with_unknown(props: dict[str, Any], path: Path) -> dict[str, Any]:
    out = copy.deepcopy(props)
    node: Any = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = UNKNOWN_STRING_VALUE
    return out


CASES = [
    (rule.name, typ, path)
    for rule in RESOURCE_RULES
    for typ in sorted(COMPLIANT if ANY_TYPE in rule.types else rule.types & COMPLIANT.keys())
    for path in _paths(COMPLIANT[typ])
    if len(path) > 1  # top-level inputs: test_resource_rules covers them
]


@pytest.mark.parametrize(
    ("rule", "typ", "path"),
    CASES,
    ids=[f"{c[0]}-{c[1].rsplit(':', 1)[-1]}-{'.'.join(map(str, c[2]))}" for c in CASES],
)
def test_r16_unknown_nested_value_is_not_a_violation(rule: str, typ: str, path: Path) -> None:
    props = unknown_checking_proxy(_with_unknown(COMPLIANT[typ], path))
    assert violations(rule, typ, props) == []
