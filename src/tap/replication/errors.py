"""Errors of the data switch; each maps to a documented `tap db` exit code (docs/data-switch.md)."""

from __future__ import annotations

from tap.migration.errors import EXIT_GATE_FAILED, EXIT_PAUSED, MigrationError, MigrationInputError


class ReplicationError(MigrationError):
    """A database statement or observation failed (exit 1)."""


class ReplicationInputError(MigrationInputError):
    """Bad options, outputs or secrets (exit 2)."""


class SwitchRefused(MigrationError):
    """A gate refused the switch before anything changed (exit 3)."""

    exit_code = EXIT_GATE_FAILED


class SwitchReverted(MigrationError):
    """The switch started, then a timeout or a failed check reverted it (exit 3)."""

    exit_code = EXIT_GATE_FAILED


class NeedsOperator(MigrationError):
    """The switch stopped in a state only a human may resolve (exit 5): a broken replica that
    needs a reseed, a failover, or a full fallback that itself was refused. One writer at most
    is ever left accepting app writes."""

    exit_code = EXIT_PAUSED
