"""AWS failures as the controller raises them. The classifier itself is `tap.aws_errors`, shared
with the CLI's error edge; its names are re-exported here for the migration modules."""

from __future__ import annotations

from tap.aws_errors import AwsFailure, FaultClass, classify, describe, error_code, exit_code, retryable
from tap.migration.errors import MigrationError

__all__ = [
    "AwsFailure",
    "AwsUnavailable",
    "FaultClass",
    "classify",
    "describe",
    "error_code",
    "exit_code",
    "retryable",
]


class AwsUnavailable(MigrationError):
    """An AWS call failed and the command could not do its job; the message says what was being
    done and which kind of failure it was. Exit 7 when AWS does not know the resource, 6 when AWS
    could not be used (as for every tap command), 1 otherwise (`tap.aws_errors.exit_code`)."""

    def __init__(self, what: str, exc: BaseException) -> None:
        self.fault = classify(exc)
        self.exit_code = exit_code(exc)
        super().__init__(describe(exc, what))
