"""Every generated documentation artefact, and the check that the files on disk match.

`README.md` and `docs/runbook.md` hold generated sections between markers (settings, phases,
commands, diagram; steps, budget, ...); `docs/cost.md`, `docs/outputs.md` (from the outputs
contract) and `docs/policies.md` (the rule reference, from `tap.policies.registry`) are generated
whole. They come from the example settings (Pulumi.example.yaml) rendered offline, so they
describe the program as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tap import diagram
from tap.cost.assumptions import Assumptions
from tap.cost.estimate import estimate
from tap.cost.prices import load
from tap.cost.report import cost_markdown
from tap.docs import commands_reference, markers, phase_table, runbook_sections, settings_reference
from tap.offline.config_file import find_example, load_values
from tap.offline.engine import render
from tap.offline.plan import Plan
from tap.outputs.reference import outputs_document
from tap.phases import PHASES, Phase
from tap.policies.registry import reference_markdown
from tap.preflight import docs as preflight_docs
from tap.settings import parse

# The phase the README's diagram shows: both DNS records live, green serving, prod DB restored.
DIAGRAM_PHASE = Phase.TRAFFIC_SHIFT_10

PlanSource = Callable[[Phase], Plan]


def example_plans() -> PlanSource:
    """Renders of the example settings, one per phase, cached for this process."""
    cache: dict[Phase, Plan] = {}
    example = find_example()

    def get(phase: Phase) -> Plan:
        if phase not in cache:
            cache[phase] = render({**load_values(example), "migrationPhase": phase.value})
        return cache[phase]

    return get


def readme_sections(plans: PlanSource) -> dict[str, str]:
    mermaid = diagram.render(plans(DIAGRAM_PHASE), "mermaid")
    return {
        "diagram": f"```mermaid\n{mermaid}```\n",
        "phases": phase_table.render(),
        "commands": commands_reference.render(),
        "settings": settings_reference.render(),
    }


def runbook_sections_for(plans: PlanSource) -> dict[str, str]:
    settings = parse(load_values(find_example()))
    return {
        "phases": phase_table.render(),
        "steps": runbook_sections.steps(settings),
        "budget": runbook_sections.budget(settings),
        "emergency-batch": runbook_sections.emergency_batch_markdown(plans(DIAGRAM_PHASE)),
        "preflight-checks": preflight_docs.checks_table(),
    }


def cost_document(plans: PlanSource) -> str:
    prices, assume = load(), Assumptions()
    return cost_markdown([estimate(plans(p), prices, assume) for p in PHASES], prices, assume)


@dataclass(frozen=True)
class Artefact:
    path: Path
    expected: str

    @property
    def current(self) -> str:
        return self.path.read_text(encoding="utf-8") if self.path.exists() else ""

    @property
    def stale(self) -> bool:
        return self.current != self.expected


def artefacts(root: Path, plans: PlanSource) -> list[Artefact]:
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    for name, body in readme_sections(plans).items():
        text = markers.replace(text, name, body)
    runbook = root / "docs" / "runbook.md"
    book = runbook.read_text(encoding="utf-8")
    for name, body in runbook_sections_for(plans).items():
        book = markers.replace(book, name, body)
    return [
        Artefact(readme, text),
        Artefact(root / "docs" / "cost.md", cost_document(plans)),
        Artefact(root / "docs" / "outputs.md", outputs_document()),
        Artefact(runbook, book),
        Artefact(root / "docs" / "policies.md", reference_markdown()),
    ]
