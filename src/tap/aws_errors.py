"""What an AWS failure means, in one place for every command: its class, whether trying again
can help, its exit code, and one line that says it to an on-call engineer.

Used by the CLI's error edge (`tap.cli.edge`), the migration controller (`tap.migration`, which
re-exports it from `aws_faults`) and anything else that catches boto3's errors. Classes, each
tested against moto through a fault-injecting proxy (tests/fault_proxy.py) or a fake endpoint
(tests/cli/fake_aws.py): no credentials, no region, endpoint down (refused, reset, timeouts),
throttled, AWS-side 5xx, access denied, a missing resource (often the outputs of another stack
or account), and anything else.
"""

from __future__ import annotations

from enum import StrEnum

from botocore import exceptions as bx

from tap.errors import EXIT_AWS_UNAVAILABLE, EXIT_NOT_DEPLOYED
from tap.provenance import DEPLOYED_COMMAND

AwsFailure = (bx.ClientError, bx.BotoCoreError)
"""Everything boto3 raises for a failed call: catch these, never bare Exception."""

# Route53 answers PriorRequestNotComplete (400) while a change batch is still being applied;
# botocore does not treat it as throttling, but it is one: wait and send the same batch again.
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "PriorRequestNotComplete",
    }
)
DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "MissingAuthenticationToken",
    }
)
SERVER_CODES = frozenset({"InternalError", "InternalFailure", "ServiceUnavailable"})


class FaultClass(StrEnum):
    NO_CREDENTIALS = "no-credentials"
    NO_REGION = "no-region"
    ENDPOINT_DOWN = "endpoint-down"
    THROTTLED = "throttled"
    SERVER_ERROR = "server-error"
    DENIED = "denied"
    MISSING = "missing"
    OTHER = "other"


EXIT_CODES = {
    FaultClass.NO_CREDENTIALS: EXIT_AWS_UNAVAILABLE,
    FaultClass.NO_REGION: 2,  # a setting: AWS_REGION or tap:region
    FaultClass.ENDPOINT_DOWN: EXIT_AWS_UNAVAILABLE,
    FaultClass.THROTTLED: EXIT_AWS_UNAVAILABLE,
    FaultClass.SERVER_ERROR: EXIT_AWS_UNAVAILABLE,
    FaultClass.DENIED: EXIT_AWS_UNAVAILABLE,
    FaultClass.MISSING: EXIT_NOT_DEPLOYED,
    FaultClass.OTHER: 1,
}

HINTS = {
    FaultClass.NO_CREDENTIALS: "no AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID / "
    "AWS_SECRET_ACCESS_KEY, or run against the emulator (`tap local`, `tap rehearse`)",
    FaultClass.NO_REGION: "no AWS region: set AWS_REGION or tap:region",
    FaultClass.ENDPOINT_DOWN: "the AWS endpoint did not answer: check the network, or "
    "TAP_AWS_ENDPOINT_URL if it points at an emulator that is not running",
    FaultClass.THROTTLED: "AWS throttled the call: wait a minute and run it again",
    FaultClass.SERVER_ERROR: "AWS answered with a server error: run it again later",
    FaultClass.DENIED: "AWS refused the call: the credentials in use lack a permission or their "
    "session expired (docs/runbook.md lists the permissions each command needs)",
    FaultClass.MISSING: "AWS does not know the resource (it does not exist in this account and "
    "region): is the stack deployed here, and are these the current outputs of this stack "
    f"(`{DEPLOYED_COMMAND}`)?",
    FaultClass.OTHER: "the AWS call failed",
}


def error_code(exc: BaseException) -> str:
    if isinstance(exc, bx.ClientError):
        return str(exc.response.get("Error", {}).get("Code", "") or "")
    return ""


def _status(exc: bx.ClientError) -> int:
    return int((exc.response.get("ResponseMetadata", {}) or {}).get("HTTPStatusCode", 0) or 0)


def _missing(code: str, status: int) -> bool:
    return (
        code.endswith(("NotFound", "NotFoundException", "NotFoundFault"))
        or code.startswith("NoSuch")
        or ".NotFound" in code
        or status == 404
    )


def _client_class(exc: bx.ClientError) -> FaultClass:
    code, status = error_code(exc), _status(exc)
    if code in THROTTLE_CODES or status == 429:
        return FaultClass.THROTTLED
    if code in DENIED_CODES or status == 403:
        return FaultClass.DENIED
    if _missing(code, status):
        return FaultClass.MISSING
    if status >= 500 or code in SERVER_CODES:
        return FaultClass.SERVER_ERROR
    return FaultClass.OTHER


def classify(exc: BaseException) -> FaultClass:
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError | bx.ProfileNotFound):
        return FaultClass.NO_CREDENTIALS
    if isinstance(exc, bx.NoRegionError):
        return FaultClass.NO_REGION
    # ConnectionError covers refused, DNS, connect timeouts, proxies and TLS; HTTPClientError a
    # connection closed or a read timing out once connected.
    if isinstance(exc, bx.ConnectionError | bx.HTTPClientError):
        return FaultClass.ENDPOINT_DOWN
    if isinstance(exc, bx.ClientError):
        return _client_class(exc)
    return FaultClass.OTHER


def retryable(exc: BaseException) -> bool:
    """Worth trying again before a deadline: AWS or the network may come back; credentials,
    permissions and missing resources will not, by themselves, within a rollback."""
    return classify(exc) in (FaultClass.ENDPOINT_DOWN, FaultClass.THROTTLED, FaultClass.SERVER_ERROR)


def exit_code(exc: BaseException) -> int:
    """6 when AWS could not be used, 7 when what was read does not exist, 2 for no region, else 1."""
    return EXIT_CODES[classify(exc)]


def explain(exc: BaseException) -> str:
    """One line: the class of failure with what to do, then what AWS or botocore said."""
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {}) or {}
        said = str(error.get("Message", "") or exc)
        operation = getattr(exc, "operation_name", "") or "an AWS call"
        detail = f"{operation} failed with {error_code(exc) or _status(exc)}: {said}"
    else:
        detail = str(exc)
    return f"{HINTS[classify(exc)]} ({detail})"


def describe(exc: BaseException, what: str) -> str:
    """One line: what was being done, then `explain`."""
    return f"{what}: {explain(exc)}"
