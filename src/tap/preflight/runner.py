"""Runs the checks a phase needs and turns every way AWS can fail to answer into a result.

A check raises what boto3 raises; nothing here lets a traceback reach the user. Missing
credentials or an unreachable endpoint stop the remaining AWS checks (each would spend its own
retries on the same dead end); a throttled or forbidden call is that check's "could not check".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from tap.aws_errors import FaultClass, classify
from tap.aws_errors import explain as explain_aws
from tap.errors import TapError
from tap.preflight.context import PreflightContext
from tap.preflight.result import Check, CheckResult, Status

# AWS cannot be used at all (tap.aws_errors' classes): no later AWS check can do better.
STOPS_THE_REST = frozenset({FaultClass.NO_CREDENTIALS, FaultClass.NO_REGION, FaultClass.ENDPOINT_DOWN})


@dataclass(frozen=True)
class Report:
    phase: str
    results: tuple[CheckResult, ...]

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)

    @property
    def failed(self) -> bool:
        return self.count(Status.FAIL) > 0

    @property
    def unchecked(self) -> bool:
        return self.count(Status.ERROR) > 0

    def summary(self) -> str:
        label = {Status.ERROR: "could not check"}
        return ", ".join(f"{self.count(s)} {label.get(s, s.value)}" for s in Status)


def explain(exc: Exception) -> str:
    """A one-line reason for a check that could not run: AWS failures in the words of the one
    classifier (`tap.aws_errors`), naming the call where there is one."""
    if isinstance(exc, ClientError) or classify(exc) is not FaultClass.OTHER:
        return explain_aws(exc)
    if isinstance(exc, BotoCoreError | TapError | OSError):
        return f"{type(exc).__name__}: {exc}"
    return f"unexpected {type(exc).__name__} in the check: {exc} (a bug in tap: please report it)"


def run_one(check: Check, ctx: PreflightContext) -> CheckResult:
    if not check.need.applies(ctx.phase_plan):
        result = CheckResult(
            Status.SKIP, f"phase {ctx.phase_plan.phase.value}", f"not needed: {check.need.otherwise}"
        )
    else:
        try:
            result = check.run(ctx)
        # The edge of every check: whatever it raised becomes "could not check", never a traceback.
        except Exception as exc:
            result = CheckResult(Status.ERROR, "", f"could not check: {explain(exc)}")
            if classify(exc) in STOPS_THE_REST:
                raise AwsUnreachable(explain(exc), result) from exc
    return dataclasses.replace(result, name=check.name)


class AwsUnreachable(Exception):
    def __init__(self, reason: str, result: CheckResult) -> None:
        super().__init__(reason)
        self.reason = reason
        self.result = result


def run_checks(
    checks: Iterable[Check],
    ctx: PreflightContext,
    on_start: Callable[[Check], None] = lambda check: None,
) -> Report:
    results: list[CheckResult] = []
    unreachable: str | None = None
    for check in checks:
        on_start(check)
        if unreachable is not None and check.uses_aws and check.need.applies(ctx.phase_plan):
            results.append(CheckResult(Status.ERROR, "", f"not attempted: {unreachable}", name=check.name))
            continue
        try:
            results.append(run_one(check, ctx))
        except AwsUnreachable as exc:
            unreachable = exc.reason
            results.append(dataclasses.replace(exc.result, name=check.name))
    return Report(ctx.phase_plan.phase.value, tuple(results))
