"""SPEC R16: the pack as `pulumi preview --policy-pack policy` runs it. pulumi_policy's own
analyzer service (what the gRPC server wraps) is called with the protobuf requests the Pulumi
engine sends, built from the plan: its deserialisation, its unknown-value proxy and its
enforcement levels are all real. No server is started."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from tap import aws_types as t
from tap.components.timeouts import duration_seconds
from tap.offline.plan import Plan, PlannedResource
from tap.phases import Phase
from tap.policies.pack import PACK_NAME, build_policies


@pytest.fixture(scope="module")
def analyzer() -> Any:
    return _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", build_policies(), EnforcementLevel.MANDATORY)


def _struct(props: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(json.loads(json.dumps(props, default=str)), struct_pb2.Struct())


def _options(r: PlannedResource) -> Any:
    """The resource's options as the engine sends them (custom timeouts in seconds)."""
    t = {op: duration_seconds(text) for op, text in r.custom_timeouts.items()}
    return proto.AnalyzerResourceOptions(
        protect=r.protect,
        customTimeouts=proto.AnalyzerResourceOptions.CustomTimeouts(
            create=t.get("create", 0.0), update=t.get("update", 0.0), delete=t.get("delete", 0.0)
        ),
    )


def _provider(plan: Plan | None, r: PlannedResource) -> Any:
    prov = next((p for p in plan.resources if p.urn == r.provider), None) if plan else None
    if prov is None:
        return None
    return proto.AnalyzerProviderResource(
        type=prov.type, urn=prov.urn, name=prov.name, properties=_struct(prov.inputs)
    )


def analyze(analyzer: Any, r: PlannedResource, plan: Plan | None = None, **changes: Any) -> list[Any]:
    request = proto.AnalyzeRequest(
        type=r.type,
        urn=r.urn,
        name=r.name,
        properties=_struct({**r.inputs, **changes}),
        options=_options(r),
        provider=_provider(plan, r),
    )
    return list(analyzer.Analyze(request, None).diagnostics)


def analyze_stack(
    analyzer: Any, plan: Plan, change: Callable[[PlannedResource], dict[str, Any]]
) -> list[Any]:
    resources = [
        proto.AnalyzerResource(
            type=r.type,
            urn=r.urn,
            name=r.name,
            parent=r.parent,
            dependencies=list(r.dependencies),
            properties=_struct({**r.outputs, **change(r)}),
        )
        for r in plan.resources
    ]
    return list(analyzer.AnalyzeStack(proto.AnalyzeStackRequest(resources=resources), None).diagnostics)


def _green_template(plan: Plan) -> PlannedResource:
    return next(r for r in plan.of_type(t.LAUNCH_TEMPLATE) if "green" in r.name)


def test_r16_analyzer_passes_every_planned_resource(analyzer: Any, plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_10)
    found = [
        (r.name, d.policyName, d.message)
        for r in plan.resources
        if r.custom and not r.read
        for d in analyze(analyzer, r, plan)
    ]
    assert found == []


def test_r16_analyzer_blocks_imdsv1_as_mandatory(analyzer: Any, plans: Callable[[Phase], Plan]) -> None:
    lt = _green_template(plans(Phase.TRAFFIC_SHIFT_10))
    found = analyze(analyzer, lt, metadataOptions={**lt.inputs["metadataOptions"], "httpTokens": "optional"})
    assert [d.policyName for d in found] == ["launch-template-imdsv2"]
    assert found[0].enforcementLevel == proto.MANDATORY
    assert lt.name in found[0].message


def test_r16_analyzer_unknown_preview_values_are_neither_violations_nor_errors(
    analyzer: Any, plans: Callable[[Phase], Plan]
) -> None:
    """The engine sends unknown values as sentinels; pulumi_policy's proxy raises on them, and
    would turn an unhandled one into an advisory "can't run policy" diagnostic."""
    lt = _green_template(plans(Phase.TRAFFIC_SHIFT_10))
    unknown: dict[str, Any] = {
        k: UNKNOWN_STRING_VALUE for k in ("metadataOptions", "blockDeviceMappings", "networkInterfaces")
    }
    assert analyze(analyzer, lt, **unknown) == []


def test_r16_analyzer_stack_policy_names_the_resource(analyzer: Any, plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_10)
    assert analyze_stack(analyzer, plan, lambda r: {}) == []
    db = next(r for r in plan.of_type(t.RDS_INSTANCE) if not r.read)
    found = analyze_stack(analyzer, plan, lambda r: {"multiAz": False} if r is db else {})
    assert [(d.policyName, d.urn) for d in found] == [("rds-multi-az-per-phase", db.urn)]


def test_r20_analyzer_sees_custom_timeouts_and_the_provider_region(
    analyzer: Any, plans: Callable[[Phase], Plan]
) -> None:
    """The options-based rules read what the engine sends: a snapshot copy registered without
    its custom timeout, or a Route53 alarm under a eu-west-1 provider, fails in the real pack."""
    import dataclasses

    plan = plans(Phase.TRAFFIC_SHIFT_10)
    copy = plan.one(t.RDS_SNAPSHOT_COPY)
    bare = dataclasses.replace(copy, custom_timeouts={})
    assert any(d.policyName == "long-operations-carry-timeouts" for d in analyze(analyzer, bare, plan))
    assert analyze(analyzer, copy, plan) == []

    alarm = next(a for a in plan.of_type(t.METRIC_ALARM) if a.get("namespace") == "AWS/Route53")
    provider = plan.by_urn(alarm.provider)
    elsewhere = dataclasses.replace(provider, inputs={**provider.inputs, "region": "eu-west-1"})
    moved = Plan(
        plan.settings, tuple(elsewhere if r is provider else r for r in plan.resources), plan.outputs
    )
    found = analyze(analyzer, alarm, moved)
    assert [d.policyName for d in found] == ["route53-alarms-in-us-east-1"]
