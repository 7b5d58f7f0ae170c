"""The one AWS failure classifier (tap.aws_errors) that the CLI edge and the controller share:
each class, its exit code, retryable or not, and the same line from both."""

from __future__ import annotations

import pytest
from botocore import exceptions as bx

from tap import aws_errors
from tap.aws_errors import FaultClass
from tap.cli.edge import classify as edge_classify
from tap.migration.aws_faults import AwsUnavailable


def _client_error(code: str, status: int) -> bx.ClientError:
    response = {
        "Error": {"Code": code, "Message": "said by AWS"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    # botocore-stubs require every ResponseMetadata key; botocore builds errors from partial ones.
    return bx.ClientError(response, "GetParameter")  # type: ignore[arg-type]


CASES = [
    (bx.NoCredentialsError(), FaultClass.NO_CREDENTIALS, 6, False),
    (bx.ProfileNotFound(profile="ops"), FaultClass.NO_CREDENTIALS, 6, False),
    (bx.NoRegionError(), FaultClass.NO_REGION, 2, False),
    (bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), FaultClass.ENDPOINT_DOWN, 6, True),
    (bx.ConnectTimeoutError(endpoint_url="http://10.0.0.1"), FaultClass.ENDPOINT_DOWN, 6, True),
    (bx.ReadTimeoutError(endpoint_url="http://10.0.0.1"), FaultClass.ENDPOINT_DOWN, 6, True),
    (_client_error("ThrottlingException", 400), FaultClass.THROTTLED, 6, True),
    (_client_error("PriorRequestNotComplete", 400), FaultClass.THROTTLED, 6, True),
    (_client_error("", 429), FaultClass.THROTTLED, 6, True),
    (_client_error("InternalFailure", 500), FaultClass.SERVER_ERROR, 6, True),
    (_client_error("ServiceUnavailable", 503), FaultClass.SERVER_ERROR, 6, True),
    (_client_error("AccessDeniedException", 400), FaultClass.DENIED, 6, False),
    (_client_error("ExpiredTokenException", 400), FaultClass.DENIED, 6, False),
    (_client_error("", 403), FaultClass.DENIED, 6, False),
    (_client_error("ParameterNotFound", 400), FaultClass.MISSING, 7, False),
    (_client_error("NoSuchHostedZone", 404), FaultClass.MISSING, 7, False),
    (_client_error("DBInstanceNotFound", 404), FaultClass.MISSING, 7, False),
    (_client_error("ValidationException", 400), FaultClass.OTHER, 1, False),
    (bx.ParamValidationError(report="bad"), FaultClass.OTHER, 1, False),
]


@pytest.mark.parametrize(
    ("exc", "kind", "code", "retry"), CASES, ids=[c[1].value + "-" + type(c[0]).__name__ for c in CASES]
)
def test_each_failure_has_one_class_exit_code_and_retry_answer(
    exc: Exception, kind: FaultClass, code: int, retry: bool
) -> None:
    assert aws_errors.classify(exc) is kind
    assert aws_errors.exit_code(exc) == code
    assert aws_errors.retryable(exc) is retry


@pytest.mark.parametrize(
    ("exc", "kind", "code", "retry"), CASES, ids=[c[1].value + "-" + type(c[0]).__name__ for c in CASES]
)
def test_the_cli_edge_and_the_controller_say_the_same(
    exc: Exception, kind: FaultClass, code: int, retry: bool
) -> None:
    edge = edge_classify(exc)
    controller = AwsUnavailable("could not read the phase", exc)
    assert edge is not None and (edge.exit_code, controller.exit_code) == (code, code)
    assert str(controller) == f"could not read the phase: {edge.message}"
    assert edge.message.startswith(aws_errors.HINTS[kind])


def test_a_client_error_names_the_call_and_what_aws_said() -> None:
    line = aws_errors.explain(_client_error("ParameterNotFound", 400))
    assert "GetParameter failed with ParameterNotFound: said by AWS" in line
