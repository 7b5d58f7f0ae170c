"""R18: the README's settings reference, phase table, command list and diagram, and
docs/cost.md, are generated; these tests fail when the files and the code disagree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tap.docs import markers, settings_reference
from tap.docs.generate import artefacts, readme_sections
from tap.offline.plan import Plan
from tap.phases import PHASES, Phase, plan_for
from tap.settings import KEYS, Settings, specs

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
REGENERATE = "out of date: run `.venv/bin/python -m tap.docs --write` and commit the result"


@pytest.mark.parametrize("name", ["settings", "phases", "commands", "diagram"])
def test_r18_readme_section_matches_a_fresh_generation(name: str, plans: Callable[[Phase], Plan]) -> None:
    assert markers.section(README, name) == readme_sections(plans)[name], f"README {name} {REGENERATE}"


def test_r18_cost_md_matches_a_fresh_generation(plans: Callable[[Phase], Plan]) -> None:
    cost = next(a for a in artefacts(ROOT, plans) if a.path.name == "cost.md")
    assert not cost.stale, f"docs/cost.md {REGENERATE}"


def test_r18_runbook_generated_sections_match_a_fresh_generation(plans: Callable[[Phase], Plan]) -> None:
    runbook = next(a for a in artefacts(ROOT, plans) if a.path.name == "runbook.md")
    assert not runbook.stale, f"docs/runbook.md {REGENERATE}"


RUNBOOK = (ROOT / "docs" / "runbook.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("phase", PHASES, ids=[p.value for p in PHASES])
def test_r18_runbook_has_a_section_for_every_phase(phase: Phase) -> None:
    assert f"`{phase.value}`" in RUNBOOK.split("## 3. Phase by phase", 1)[1].split("## 4.", 1)[0]


@pytest.mark.parametrize(
    "must_say",
    [
        # The stack creates the role now; the runbook says when to adopt an existing one.
        "tap:createAutoScalingServiceLinkedRole",
        "pulumi config set tap:zoneDelegated true",
        "aws route53 change-resource-record-sets",
        "tap migrate rollback",
        "pulumi config set tap:migrationPhase",
        "read_only",
        "--final-db-snapshot-identifier",
    ],
)
def test_r18_runbook_gives_the_exact_commands(must_say: str) -> None:
    assert must_say in RUNBOOK


def test_r18_settings_reference_and_settings_object_agree() -> None:
    assert settings_reference.disagreements(markers.section(README, "settings")) == []


def test_r18_settings_reference_documents_every_key_exactly_once() -> None:
    section = markers.section(README, "settings")
    for key in KEYS:
        assert section.count(f"| `tap:{key}` |") == 1, key


def test_r18_settings_check_names_the_key_whose_default_was_edited_by_hand() -> None:
    section = settings_reference.render()
    spec = next(s for s in specs() if s.key == "dnsTtlSeconds")
    edited = section.replace(
        f"| `tap:dnsTtlSeconds` | {settings_reference.format_default(spec.default)} |",
        "| `tap:dnsTtlSeconds` | `300` |",
    )
    assert edited != section
    assert settings_reference.disagreements(edited) == ["dnsTtlSeconds: default `300` but the code says `60`"]


def test_r18_settings_check_catches_a_missing_and_an_invented_key() -> None:
    section = settings_reference.render()
    kept = [ln for ln in section.splitlines() if "`tap:owner`" not in ln]
    kept.append("| `tap:madeUp` | `1` | anything | nothing |")
    problems = settings_reference.disagreements("\n".join(kept))
    assert "owner: missing from the reference" in problems
    assert "madeUp: documented but not a setting" in problems


def test_r11_r18_phase_table_rows_follow_the_phase_machine() -> None:
    rows = [ln for ln in markers.section(README, "phases").splitlines() if ln.startswith("| `")]
    assert len(rows) == len(PHASES)
    sizes = Settings().fleet_sizes
    for phase, row in zip(PHASES, rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        p = plan_for(phase, sizes)
        assert cells[0] == f"`{phase.value}`"
        assert int(cells[1]) == p.weights.green
        assert cells[6] == p.system_of_record.value


def test_r18_command_reference_lists_every_registered_command() -> None:
    import typer.main

    from tap.cli.app import app

    section = markers.section(README, "commands")
    for name in typer.main.get_command(app).commands:  # type: ignore[attr-defined]
        assert f"`tap {name}" in section, name


def test_r18_markers_must_exist_exactly_once() -> None:
    with pytest.raises(markers.MarkerError, match="settings"):
        markers.replace("no markers here", "settings", "x\n")
    doubled = "<!-- a:start -->\n1\n<!-- a:end -->\n<!-- a:start -->\n2\n<!-- a:end -->\n"
    with pytest.raises(markers.MarkerError, match="found 2"):
        markers.section(doubled, "a")


def test_r18_regeneration_only_touches_the_marked_section() -> None:
    text = "before\n<!-- s:start -->\nold\n<!-- s:end -->\nafter\n"
    new = markers.replace(text, "s", "new\n")
    assert new == "before\n<!-- s:start -->\nnew\n<!-- s:end -->\nafter\n"
    assert markers.replace(new, "s", "new\n") == new
