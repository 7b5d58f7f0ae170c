"""The project's own exceptions. The CLI catches `TapError` once and turns it into a message
and an exit code; nothing below the CLI prints or exits."""

from __future__ import annotations

from dataclasses import dataclass

# Exit codes shared by every command (documented in the README and in `tap --help`).
EXIT_AWS_UNAVAILABLE = 6  # credentials, endpoint, permissions, throttling or an AWS-side 5xx
EXIT_NOT_DEPLOYED = 7  # something the command reads does not exist (not deployed yet?)


class TapError(Exception):
    """Base of every error tap raises on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One bad setting: which key, what it was given, what is allowed."""

    key: str
    value: object
    allowed: str

    def __str__(self) -> str:
        return f"tap:{self.key} = {self.value!r} is not allowed: {self.allowed}"


class SettingsError(TapError):
    """Raised before any resource is declared when one or more settings are invalid."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} invalid setting(s):\n{lines}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.problems)


class BadEnvironment(TapError):
    """An environment variable tap reads has a value it cannot use (exit 2, like a setting)."""

    exit_code = 2


class PhaseError(TapError):
    """An unknown phase, or a transition the phase machine does not allow."""

    exit_code = 2
