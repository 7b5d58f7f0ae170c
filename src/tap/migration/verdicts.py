"""The verdict every gate returns. INCONCLUSIVE (no data, a missing alarm, a database that
cannot be observed) is never treated as a pass: the controller pauses for a human instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tap.jsonable import fields_json


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class GateResult:
    name: str
    verdict: Verdict
    detail: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.verdict == Verdict.PASS

    def as_json(self) -> dict[str, Any]:
        return fields_json(self, rename={"name": "gate"})


def worst(results: list[GateResult]) -> Verdict:
    verdicts = {r.verdict for r in results}
    if Verdict.FAIL in verdicts:
        return Verdict.FAIL
    if Verdict.INCONCLUSIVE in verdicts:
        return Verdict.INCONCLUSIVE
    return Verdict.PASS
