"""What an AWS failure means for the controller: which class it is, whether trying again can
help, and how to say it to an on-call engineer in one line instead of a traceback.

Classes (each tested against moto through a fault-injecting proxy, tests/migration/faults/):
no credentials, endpoint down (connection refused/reset, DNS), throttling, 5xx, access denied,
a missing resource (the phase parameter, the hosted zone: often outputs of another stack).
"""

from __future__ import annotations

from enum import StrEnum

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from tap.errors import EXIT_AWS_UNAVAILABLE, EXIT_NOT_DEPLOYED
from tap.migration.errors import MigrationError

AwsFailure = (ClientError, BotoCoreError)
"""Everything boto3 raises for a failed call: catch these, never bare Exception."""

# Route53 answers PriorRequestNotComplete (400) when a change batch is still being applied;
# botocore does not treat it as throttling, but it is one: wait and send the same batch again.
_THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
    }
)
_MISSING_CODES = frozenset(
    {
        "NoSuchHostedZone",
        "ParameterNotFound",
        "ResourceNotFoundException",
        "NotFound",
        "NoSuchHealthCheck",
        "NoSuchChange",
    }
)
_DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "ExpiredToken", "InvalidClientTokenId"}
)


class FaultClass(StrEnum):
    NO_CREDENTIALS = "no-credentials"
    ENDPOINT_DOWN = "endpoint-down"
    THROTTLED = "throttled"
    SERVER_ERROR = "server-error"
    DENIED = "denied"
    MISSING = "missing"
    OTHER = "other"


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def classify(exc: BaseException) -> FaultClass:
    if isinstance(exc, NoCredentialsError | PartialCredentialsError | NoRegionError):
        return FaultClass.NO_CREDENTIALS
    if isinstance(exc, EndpointConnectionError | ConnectionClosedError | ReadTimeoutError):
        return FaultClass.ENDPOINT_DOWN
    if isinstance(exc, ClientError):
        code = error_code(exc)
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        if code in _THROTTLE_CODES:
            return FaultClass.THROTTLED
        if code in _MISSING_CODES:
            return FaultClass.MISSING
        if code in _DENIED_CODES:
            return FaultClass.DENIED
        if status >= 500 or code in ("InternalFailure", "InternalError", "ServiceUnavailable"):
            return FaultClass.SERVER_ERROR
    if isinstance(exc, BotoCoreError) and "connect" in str(exc).lower():
        return FaultClass.ENDPOINT_DOWN
    return FaultClass.OTHER


def retryable(exc: BaseException) -> bool:
    """Worth trying again before a deadline: AWS or the network may come back; credentials,
    permissions and missing resources will not, by themselves, within a rollback."""
    return classify(exc) in (FaultClass.ENDPOINT_DOWN, FaultClass.THROTTLED, FaultClass.SERVER_ERROR)


_HINTS = {
    FaultClass.NO_CREDENTIALS: "no AWS credentials were found: set AWS_PROFILE or the AWS_* variables",
    FaultClass.ENDPOINT_DOWN: "the AWS endpoint did not answer (network, VPN or an emulator down)",
    FaultClass.THROTTLED: "AWS throttled the call",
    FaultClass.SERVER_ERROR: "AWS answered with a server error",
    FaultClass.DENIED: "AWS refused the call: the role lacks a permission or its session expired",
    FaultClass.MISSING: "AWS does not know the resource: are these the outputs of this stack and account?",
    FaultClass.OTHER: "the AWS call failed",
}


def describe(exc: BaseException, what: str) -> str:
    """One line: what was being done, what kind of failure, what AWS said."""
    kind = classify(exc)
    return f"{what}: {_HINTS[kind]} ({exc})"


class AwsUnavailable(MigrationError):
    """An AWS call failed and the command could not do its job; the message says what was being
    done and which kind of failure it was. Exit 7 when AWS does not know the resource, 6 when AWS
    could not be used (as for every tap command), 1 otherwise."""

    def __init__(self, what: str, exc: BaseException) -> None:
        self.fault = classify(exc)
        self.exit_code = (
            EXIT_NOT_DEPLOYED
            if self.fault is FaultClass.MISSING
            else 1
            if self.fault is FaultClass.OTHER
            else EXIT_AWS_UNAVAILABLE
        )
        super().__init__(describe(exc, what))
