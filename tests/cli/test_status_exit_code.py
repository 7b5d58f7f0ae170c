"""`tap migrate status` exits like the rest of `tap migrate` when reads fail (README exit codes):
6 when any read could not use AWS, else 7 when something read is not deployed, else 2 for
unusable outputs, else 1; 0 only when everything was read. It still shows what it read."""

from __future__ import annotations

import pytest
from botocore import exceptions as bx

from tap.errors import EXIT_AWS_UNAVAILABLE, EXIT_NOT_DEPLOYED
from tap.migration.budget import rollback_budget
from tap.migration.errors import MigrationInputError
from tap.migration.status import StatusIncomplete, StatusOps, StatusView
from tap.settings import Settings, parse


def _view(settings: Settings) -> StatusView:
    return StatusView(
        "traffic-shift-10",
        "ssm",
        "traffic-shift-50",
        "blue-green",
        {},
        None,
        rollback_budget(settings),
        False,
    )


def _missing() -> bx.ClientError:
    return bx.ClientError({"Error": {"Code": "ParameterNotFound"}}, "GetParameter")


def _fail(exc: Exception) -> None:
    raise exc


@pytest.fixture
def settings(example_values: dict[str, object]) -> Settings:
    return parse(example_values)


@pytest.mark.parametrize(
    ("failures", "code"),
    [
        ([], 0),
        ([_missing()], EXIT_NOT_DEPLOYED),
        ([_missing(), bx.NoCredentialsError()], EXIT_AWS_UNAVAILABLE),
        ([bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), _missing()], EXIT_AWS_UNAVAILABLE),
        ([MigrationInputError("the outputs name no zone")], 2),
        ([MigrationInputError("bad"), _missing()], EXIT_NOT_DEPLOYED),
        ([bx.ParamValidationError(report="bad")], 1),
    ],
)
def test_the_exit_code_follows_the_failed_reads(
    settings: Settings, failures: list[Exception], code: int
) -> None:
    view = _view(settings)
    got = [StatusOps._read_into(view, f"read {n}", lambda e=e: _fail(e)) for n, e in enumerate(failures)]
    assert got == [None] * len(failures) and len(view.problems) == len(failures)
    assert view.exit_code == code
    if failures:
        assert StatusIncomplete(view).exit_code == code


def test_a_read_that_works_is_kept_and_costs_nothing(settings: Settings) -> None:
    view = _view(settings)
    assert StatusOps._read_into(view, "the lock", lambda: {"owner": "me"}) == {"owner": "me"}
    assert view.problems == [] and view.exit_code == 0
