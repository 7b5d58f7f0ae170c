"""Errors the controller raises on purpose; the CLI maps each to the documented exit code."""

from __future__ import annotations

from tap.errors import TapError

# Exit codes shared with `tap --help` (src/tap/cli/app.py root callback).
EXIT_GATE_FAILED = 3
EXIT_LOCK_HELD = 4
EXIT_PAUSED = 5


class MigrationError(TapError):
    """A migration step could not run or did not finish (exit 1)."""

    exit_code = 1


class MigrationInputError(MigrationError):
    """Bad outputs file, missing deployed ids, or a plan that breaks the rollback budget."""

    exit_code = 2


class GateFailed(MigrationError):
    """A gate refused a step; nothing was changed by the step itself."""

    exit_code = EXIT_GATE_FAILED


class RolledBack(MigrationError):
    """A step was applied, judged unhealthy and rolled back on its own."""

    exit_code = EXIT_GATE_FAILED


class LockHeld(MigrationError):
    """Another controller holds the lease on the migration lock."""

    exit_code = EXIT_LOCK_HELD

    def __init__(self, owner: str, expires_in: float, detail: str = "") -> None:
        self.owner = owner
        self.expires_in = expires_in
        self.detail = detail
        super().__init__(
            f"another controller ({owner}) holds the migration lock for {max(0, round(expires_in))} "
            "more second(s); wait for it, or run `tap migrate rollback` (a rollback request always wins)"
            + (f". {detail}" if detail else "")
        )


class Paused(MigrationError):
    """The migration is paused: an analysis was inconclusive, or an operator paused it."""

    exit_code = EXIT_PAUSED


class ApplyFailed(MigrationError):
    """The applier (Pulumi update or Route53 change) did not complete."""

    exit_code = 1


class Interrupted(MigrationError):
    """Ctrl-C stopped the controller mid-step: a human must look (exit 5, like a pause)."""

    exit_code = EXIT_PAUSED
