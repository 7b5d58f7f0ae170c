"""The render cache behind `tap plan`: a hit is exactly what a fresh render gives, and anything a
render reads (settings, phase, tap's files, the provider packages) changes the key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap.cli import render_cache as rc
from tap.cli.app import app
from tap.phases import Phase
from tap.policies.runner import check_plan
from tests.conftest import EXAMPLE, plan_of

runner = CliRunner()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(rc.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _values(example_values: dict[str, object], phase: Phase) -> dict[str, object]:
    return {**example_values, "migrationPhase": phase.value}


@pytest.mark.parametrize("phase", list(Phase), ids=lambda p: p.value)
def test_every_phase_is_cached_and_read_back_exactly(
    phase: Phase, cache: Path, example_values: dict[str, object]
) -> None:
    plan = plan_of(phase)
    policy = check_plan(plan).as_json()
    material = rc.key_material(_values(example_values, phase), "example")
    assert material is not None
    path = rc.store(material, plan, policy, 1.5, "2026-12-01T00:00:00+00:00")
    assert path is not None and path.parent == cache, "the plan did not survive JSON exactly"
    entry = rc.load(material)
    assert entry is not None and entry.hit
    assert entry.plan == plan and entry.policy == policy
    # dataclass equality says 1 == 1.0; the cache must keep types and key order too
    for cached, fresh in zip(entry.plan.resources, plan.resources, strict=True):
        assert rc._same(rc._resource_dict(cached), rc._resource_dict(fresh))
    assert rc._same(entry.plan.outputs, plan.outputs)


def test_a_hit_is_the_fresh_render(cache: Path, example_values: dict[str, object]) -> None:
    values = _values(example_values, Phase.TRAFFIC_SHIFT_50)
    first = rc.render_checked(values)
    second = rc.render_checked(values)
    fresh = rc.render_checked(values, use_cache=False)
    assert (first.hit, second.hit, fresh.hit) == (False, True, False)
    assert second.path == first.path and fresh.path is None
    assert second.plan == fresh.plan and second.policy == fresh.policy
    assert second.render_seconds == first.render_seconds  # the render's, not the read's


def test_the_key_follows_settings_phase_and_their_order(example_values: dict[str, object]) -> None:
    base = rc.key_material(dict(example_values), "example")
    tagged = rc.key_material({**example_values, "environmentSuffix": "pay02"}, "example")
    phased = rc.key_material(_values(example_values, Phase.SEED), "example")
    reordered = rc.key_material(dict(reversed(list(example_values.items()))), "example")
    other_stack = rc.key_material(dict(example_values), "other")
    keys = [base, tagged, phased, reordered, other_stack]
    assert None not in keys and len(set(keys)) == len(keys)
    assert rc.key_material(dict(example_values), "example") == base


def test_values_json_cannot_carry_exactly_are_never_keyed(example_values: dict[str, object]) -> None:
    assert rc.key_material({**example_values, "tags": {1: "x"}}, "example") is None
    assert rc.key_material({**example_values, "tags": ("a", "b")}, "example") is None


def test_the_key_follows_every_file_of_tap(tmp_path: Path) -> None:
    copy = tmp_path / "tap"
    shutil.copytree(rc.PACKAGE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert rc.source_digest(copy) == rc.source_digest()
    target = copy / "components" / "network.py"
    target.write_text(target.read_text() + "\n")
    edited = rc.source_digest(copy)
    (copy / "data_new.json").write_text("{}")
    assert len({rc.source_digest(), edited, rc.source_digest(copy)}) == 3


def test_the_key_follows_the_installed_providers(tmp_path: Path) -> None:
    from importlib.metadata import version

    for name in rc.PROVIDER_PACKAGES:
        found = rc.installed(name)
        assert found is not None and found["version"] == version(name)
    site = rc.site_of("pulumi_aws")
    assert site is not None
    info = next(site.glob("pulumi_aws-*.dist-info"))
    shutil.copytree(info, tmp_path / info.name)
    assert rc.installed("pulumi_aws", tmp_path) == rc.installed("pulumi_aws")
    (tmp_path / info.name / "RECORD").write_text("pulumi_aws/ec2/vpc.py,sha256=changed,1\n")
    assert rc.installed("pulumi_aws", tmp_path) != rc.installed("pulumi_aws")


def test_an_entry_for_other_material_or_unreadable_is_a_miss(
    cache: Path, example_values: dict[str, object]
) -> None:
    values = _values(example_values, Phase.INITIAL)
    entry = rc.render_checked(values)
    assert entry.path is not None
    material = rc.key_material(values, "example")
    assert material is not None
    doc = json.loads(entry.path.read_text())
    doc["key"] = material.replace('"initial"', '"seed"')  # as if two materials shared a name
    entry.path.write_text(json.dumps(doc))
    assert rc.load(material) is None
    entry.path.write_text(entry.path.read_text()[:1000])
    assert rc.load(material) is None
    assert rc.render_checked(values).hit is False  # rendered again and rewritten
    assert rc.render_checked(values).hit is True


def test_an_unwritable_cache_still_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(rc.CACHE_ENV, str(blocker / "cache"))
    result = runner.invoke(app, ["plan", "--json", "--config", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    said = json.loads(result.stdout)["cache"]
    assert said["hit"] is False and said["file"] is None


def test_the_cache_keeps_the_newest_entries(cache: Path) -> None:
    cache.mkdir()
    for n in range(rc.KEEP + 3):
        (cache / f"plan-{n:024d}.json").write_text("{}")
    rc._write(cache / "plan-newest.json", "{}")
    left = sorted(p.name for p in cache.glob("plan-*.json"))
    assert len(left) == rc.KEEP and "plan-newest.json" in left
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"


def _plan_output(*args: str) -> tuple[str, str]:
    result = runner.invoke(app, ["plan", "--config", str(EXAMPLE), *args])
    assert result.exit_code == 0, result.output
    header, _, body = result.stdout.partition("\n")
    return header, body


def test_tap_plan_says_when_it_read_the_cache_and_prints_the_same_plan(cache: Path) -> None:
    first_header, first = _plan_output("--phase", "snapshot")
    hit_header, hit = _plan_output("--phase", "snapshot")
    fresh_header, fresh = _plan_output("--phase", "snapshot", "--no-cache")
    assert "rendered offline in" in first_header and "cache" not in first_header
    assert "from the render cache" in hit_header and "--no-cache" in hit_header
    assert "cache" not in fresh_header
    assert first == hit == fresh


def test_tap_plan_json_says_when_it_read_the_cache(cache: Path) -> None:
    args = ["plan", "--json", "--phase", "replicate", "--config", str(EXAMPLE)]
    miss, hit, fresh = (json.loads(runner.invoke(app, a).stdout) for a in (args, args, [*args, "--no-cache"]))
    assert miss["cache"]["hit"] is False and hit["cache"]["hit"] is True and fresh["cache"]["hit"] is False
    assert hit["cache"]["file"] == miss["cache"]["file"] and Path(hit["cache"]["file"]).parent == cache
    for doc in (miss, hit, fresh):
        doc.pop("cache"), doc.pop("render_seconds")
    assert miss == hit == fresh

