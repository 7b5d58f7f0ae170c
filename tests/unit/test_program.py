"""SPEC R13.2-R13.3: names, tags through the providers, idempotence, and the dev database
being read, never owned."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from tap.offline.diff import diff_plans
from tap.offline.engine import render
from tap.offline.plan import Plan
from tap.phases import Phase

REQUIRED_TAGS = {"Environment": "production", "ManagedBy": "pulumi"}


def test_r13_2_every_managed_resource_goes_through_a_provider_with_default_tags(
    plan: Plan,
) -> None:
    providers = {r.urn: r for r in plan.resources if r.is_provider}
    assert len(providers) == 2
    for p in providers.values():
        tags = p.get("defaultTags")
        tags = json.loads(tags) if isinstance(tags, str) else tags
        assert REQUIRED_TAGS.items() <= tags["tags"].items()
        assert tags["tags"]["Project"] == "payments" and tags["tags"]["Owner"] == "platform-team"
    for r in plan.managed:
        if r.type.startswith("aws:"):
            assert r.provider in providers, f"{r.name} uses the default provider"


def test_r13_2_taggable_resources_carry_the_merged_tags(plan: Plan) -> None:
    tagged = [r for r in plan.managed if "tagsAll" in r.outputs]
    assert len(tagged) > 20
    for r in tagged:
        assert REQUIRED_TAGS.items() <= r.outputs["tagsAll"].items(), r.name


def test_r13_2_names_follow_prod_service_az_suffix(plan: Plan) -> None:
    pattern = re.compile(r"^prod-[a-z0-9-]+-pay01$")
    for r in plan.managed:
        assert pattern.match(r.name), r.name


def test_r13_3_same_settings_give_the_same_resource_inputs(example_values: dict[str, object]) -> None:
    first = render({**example_values, "migrationPhase": "blue-green"})
    second = render({**example_values, "migrationPhase": "blue-green"})
    assert diff_plans(first, second).empty


def test_diff_between_phases_names_what_changes(plans: Callable[[Phase], Plan]) -> None:
    diff = diff_plans(plans(Phase.TRAFFIC_SHIFT_10), plans(Phase.TRAFFIC_SHIFT_50))
    changed_outputs = {f.path for f in diff.outputs}
    assert "migration_phase" in changed_outputs
    assert not [c for c in diff.resources if c.kind != "update"]


def test_r14_1_diff_between_traffic_phases_is_only_the_two_weights_and_the_phase_record(
    plans: Callable[[Phase], Plan],
) -> None:
    for old, new in (
        (Phase.TRAFFIC_SHIFT_10, Phase.TRAFFIC_SHIFT_50),
        (Phase.BLUE_GREEN, Phase.TRAFFIC_SHIFT_10),
    ):
        diff = diff_plans(plans(old), plans(new))
        changed = {(c.kind, c.name): {f.path.split(".")[0] for f in c.fields} for c in diff.resources}
        guard_added = {(k, n) for k, n in changed if k == "add" and "rollback-guard" in n}
        # The in-AWS rollback guard is armed from the first phase in which green takes traffic.
        assert bool(guard_added) == (
            plans(new).settings.phase_plan.rollback_guard_armed
            and not plans(old).settings.phase_plan.rollback_guard_armed
        )
        assert {key: v for key, v in changed.items() if key not in guard_added} == {
            ("update", "prod-app-dev-record-pay01"): {"weightedRoutingPolicies[0]"},
            ("update", "prod-app-green-record-pay01"): {"weightedRoutingPolicies[0]"},
            ("update", "prod-phase-param-pay01"): {"insecureValue"},
        }


def test_r11_2_complete_removes_the_dev_record_and_only_what_watches_it(
    plans: Callable[[Phase], Plan],
) -> None:
    diff = diff_plans(plans(Phase.TRAFFIC_SHIFT_100), plans(Phase.COMPLETE))
    removed = {c.name for c in diff.resources if c.kind == "remove"}
    link = {r.name for r in plans(Phase.TRAFFIC_SHIFT_100).managed if "DevLink$" in r.urn}
    # Dev is retired: the peering, its routes and the cross-VPC rules go with the dev record.
    assert len(link) == 1 + 3 + 2 * 3 + 6
    assert (
        removed
        == {
            "prod-app-dev-record-pay01",
            "prod-dev-health-pay01",
            "prod-dev-health-check-alarm-pay01",
            # the rollback guard moves weights back to the dev record: nothing to move back to now
            "prod-rollback-guard-pay01",
            "prod-rollback-guard-automation-pay01",
            "prod-rollback-guard-events-pay01",
        }
        | link
    )
    assert not [c for c in diff.resources if c.kind == "add"]
