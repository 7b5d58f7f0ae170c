"""Control-by-control evidence (SPEC R19): the rule results of one `tap verify` turned around,
so an assessor reads, per FSBP control and PCI DSS requirement, which rules evidence it, on which
resources, whether they pass, the deliberate deviations, and (from a deployed stack) the
migration history as change evidence.

A control fails when any rule evidencing it fails; passes when at least one of its rules
checked something and none failed; and is "not evidenced" when its rules found nothing of their
types in this plan (say, the database rules before the phase that creates the database).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tap.policies.controls import CONTROLS, DEVIATIONS, OUT_OF_SCOPE, RULE_CONTROLS, Deviation
from tap.policies.runner import STACK, PolicyReport

PASS, FAIL, NOT_EVIDENCED = "pass", "fail", "not evidenced"


@dataclass(frozen=True)
class RuleEvidence:
    rule: str
    status: str
    resources: tuple[str, ...]  # what the rule checked ("whole stack" for stack rules)
    failures: tuple[str, ...]  # the violation messages


@dataclass(frozen=True)
class ControlEvidence:
    id: str
    framework: str
    title: str
    status: str
    rules: tuple[RuleEvidence, ...]
    deviations: tuple[Deviation, ...]


@dataclass(frozen=True)
class ComplianceReport:
    source: str
    controls: tuple[ControlEvidence, ...]
    history: tuple[dict[str, Any], ...] = ()
    history_note: str = ""
    out_of_scope: tuple[tuple[str, str], ...] = field(default=OUT_OF_SCOPE)
    # The account baseline as `--live` read it (CloudTrail, GuardDuty, Config, Security Hub).
    baseline: tuple[dict[str, Any], ...] = ()

    def control(self, cid: str) -> ControlEvidence:
        for c in self.controls:
            if c.id == cid:
                return c
        raise KeyError(cid)

    @property
    def failed(self) -> tuple[ControlEvidence, ...]:
        return tuple(c for c in self.controls if c.status == FAIL)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "summary": {
                s: sum(1 for c in self.controls if c.status == s) for s in (PASS, FAIL, NOT_EVIDENCED)
            },
            "controls": [
                {
                    "id": c.id,
                    "framework": c.framework,
                    "title": c.title,
                    "status": c.status,
                    "rules": [
                        {
                            "rule": r.rule,
                            "status": r.status,
                            "resources": list(r.resources),
                            "failures": list(r.failures),
                        }
                        for r in c.rules
                    ],
                    "deviations": [d.id for d in c.deviations],
                }
                for c in self.controls
            ],
            "deviations": [
                {"id": d.id, "controls": list(d.controls), "what": d.what, "reason": d.reason}
                for d in DEVIATIONS
            ],
            "out_of_scope": [{"controls": c, "why": why} for c, why in self.out_of_scope],
            "change_evidence": {"migration_history": list(self.history), "note": self.history_note},
            "account_baseline": list(self.baseline),
        }


def rule_evidence(report: PolicyReport, rule: str) -> RuleEvidence:
    findings = [f for f in report.findings if f.rule == rule]
    failures = tuple(f"{f.resource}: {f.message}" for f in findings if not f.passed)
    resources = tuple(sorted({"whole stack" if f.resource == STACK else f.resource for f in findings}))
    status = FAIL if failures else PASS if findings else NOT_EVIDENCED
    return RuleEvidence(rule, status, resources, failures)


def _status(rules: Sequence[RuleEvidence]) -> str:
    if any(r.status == FAIL for r in rules):
        return FAIL
    return PASS if any(r.status == PASS for r in rules) else NOT_EVIDENCED


def build_report(
    report: PolicyReport,
    source: str,
    history: Sequence[dict[str, Any]] = (),
    history_note: str = "",
    baseline: Sequence[dict[str, Any]] = (),
) -> ComplianceReport:
    """One entry per control the table names, from the rules that ran in `report`."""
    ran = set(report.rules)
    evidence = {r: rule_evidence(report, r) for r in report.rules}
    controls = []
    for cid, control in CONTROLS.items():
        rules = tuple(evidence[r] for r, ids in RULE_CONTROLS.items() if cid in ids and r in ran)
        deviations = tuple(d for d in DEVIATIONS if cid in d.controls)
        if not rules and not deviations:
            continue  # a rule that evidences it did not run here (e.g. live: stack rules)
        controls.append(
            ControlEvidence(
                id=cid,
                framework=control.framework,
                title=control.title,
                status=_status(rules) if rules else NOT_EVIDENCED,
                rules=rules,
                deviations=deviations,
            )
        )
    return ComplianceReport(
        source, tuple(controls), tuple(history), history_note, OUT_OF_SCOPE, tuple(baseline)
    )
