"""Typed results of the preflight checks and the description of a check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tap.errors import TapError
from tap.jsonable import fields_json
from tap.phase_plan import PhasePlan

if TYPE_CHECKING:
    from tap.preflight.context import PreflightContext


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    """Works, but someone should know (e.g. an engine past standard support)."""
    FAIL = "fail"
    SKIP = "skip"
    """Not needed before this phase, or nothing to check (e.g. no certificate ARN given)."""
    ERROR = "error"
    """Could not check: no credentials, endpoint down, throttled, permission missing."""


@dataclass(frozen=True)
class CheckResult:
    status: Status
    read: str
    """What the check read (API call and resource, or the address it connected to)."""
    message: str
    """What it found."""
    action: str = ""
    """What to do about it (empty when there is nothing to do)."""
    name: str = ""
    """Set by the runner from the check that produced it."""

    def as_json(self) -> dict[str, Any]:
        return fields_json(self)


def passed(read: str, message: str) -> CheckResult:
    return CheckResult(Status.PASS, read, message)


def warned(read: str, message: str, action: str) -> CheckResult:
    return CheckResult(Status.WARN, read, message, action)


def failed(read: str, message: str, action: str) -> CheckResult:
    return CheckResult(Status.FAIL, read, message, action)


def skipped(read: str, message: str) -> CheckResult:
    return CheckResult(Status.SKIP, read, message)


class CheckUnavailable(TapError):
    """Raised inside a check when the thing it reads cannot be reached (a DNS resolver that
    does not answer, a setting another change has not added yet): the result is ERROR."""


@dataclass(frozen=True)
class Need:
    """Before which phases a check applies, decided from the phase machine's plan."""

    applies: Callable[[PhasePlan], bool]
    otherwise: str
    """Why the check is not needed when it does not apply."""
    label: str
    """When it applies, in words (for `--help`)."""


ALWAYS = Need(lambda plan: True, "", "every phase")
WHILE_DEV_IS_ROUTED = Need(
    lambda plan: plan.dev_record,
    "the blue-development record is removed in this phase: no client is sent to dev",
    "while the blue-development record exists",
)
WHILE_DEV_HOLDS_DATA = Need(
    lambda plan: not plan.dev_retired,
    "dev has retired in this phase: nothing reads, replicates or falls back to its database",
    "until dev retires",
)


@dataclass(frozen=True)
class Check:
    """One preflight check: a function `(ctx) -> CheckResult` and what `--help` says of it."""

    name: str
    summary: str
    run: Callable[[PreflightContext], CheckResult]
    need: Need = ALWAYS
    permissions: tuple[str, ...] = ()
    """The read-only IAM actions it calls (the runbook's permissions table is generated from these)."""
    uses_aws: bool = True
    """When AWS cannot be reached at all, later AWS checks are not attempted (each would wait
    for its own retries); checks that only talk to DNS or dev's endpoint still run."""
