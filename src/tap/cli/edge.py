"""The CLI's one error edge: every failure a user can cause or meet becomes a message and a
documented exit code, never a traceback.

It sits on the root click group (`TapGroup.invoke`), so every command is covered, including
groups registered later (`tap migrate`, `tap db`, `tap preflight`), whether or not a command
also uses `handles_errors`. botocore is imported only when an exception actually has to be
classified, so commands that never talk to AWS do not pay for importing it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

import typer
import typer.core
from typer._click.core import Context  # typer 0.29 vendors click

from tap.errors import EXIT_AWS_UNAVAILABLE, EXIT_NOT_DEPLOYED, TapError
from tap.provenance import DEPLOYED_COMMAND

DEBUG_ENV = "TAP_DEBUG"

THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "PriorRequestNotComplete",
        "ProvisionedThroughputExceededException",
    }
)
ACCESS_DENIED = frozenset(
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


@dataclass(frozen=True)
class Failure:
    """What the user sees for one exception: a message and an exit code."""

    message: str
    exit_code: int


def _client_error(exc: Any) -> Failure:
    response = getattr(exc, "response", {}) or {}
    error = response.get("Error", {}) or {}
    code = str(error.get("Code", "") or "")
    message = str(error.get("Message", "") or exc)
    status = int((response.get("ResponseMetadata", {}) or {}).get("HTTPStatusCode", 0) or 0)
    operation = getattr(exc, "operation_name", "") or "an AWS call"
    where = f"{operation} failed with {code or status}: {message}"
    if code in THROTTLING or status == 429:
        return Failure(
            f"AWS is throttling the calls ({where}); wait a minute and run it again", EXIT_AWS_UNAVAILABLE
        )
    if code in ACCESS_DENIED or status == 403:
        return Failure(
            f"AWS refused the call ({where}); the credentials in use lack a permission "
            "(docs/runbook.md lists the permissions each command needs)",
            EXIT_AWS_UNAVAILABLE,
        )
    if (
        code.endswith(("NotFound", "NotFoundException", "NotFoundFault"))
        or code.startswith("NoSuch")
        or ".NotFound" in code
        or status == 404
    ):
        return Failure(
            f"a resource the command reads does not exist ({where}); is the stack deployed in "
            f"this account and region, and are the outputs current (`{DEPLOYED_COMMAND}`)?",
            EXIT_NOT_DEPLOYED,
        )
    if status >= 500 or code in {"InternalError", "InternalFailure", "ServiceUnavailable"}:
        return Failure(f"AWS had an internal error ({where}); run it again later", EXIT_AWS_UNAVAILABLE)
    return Failure(f"AWS rejected the call: {where}", 1)


def classify(exc: BaseException) -> Failure | None:
    """The user-facing failure for an exception, or None when it is not one we know."""
    if isinstance(exc, TapError):
        return Failure(str(exc), exc.exit_code)
    import yaml

    if isinstance(exc, yaml.YAMLError):
        return Failure(f"cannot parse YAML: {exc}", 2)
    if "botocore" not in sys.modules:
        return None
    from botocore import exceptions as bx

    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError | bx.ProfileNotFound):
        return Failure(
            f"no usable AWS credentials ({exc}); set AWS_PROFILE or AWS_ACCESS_KEY_ID / "
            "AWS_SECRET_ACCESS_KEY, or run against the emulator (`tap local`, `tap rehearse`)",
            EXIT_AWS_UNAVAILABLE,
        )
    if isinstance(exc, bx.NoRegionError):
        return Failure(f"{exc}: set AWS_REGION or tap:region", 2)
    if isinstance(
        exc,
        bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ReadTimeoutError | bx.ConnectionClosedError,
    ):
        return Failure(
            f"cannot reach AWS ({exc}); check the network, or TAP_AWS_ENDPOINT_URL if it points "
            "at an emulator that is not running",
            EXIT_AWS_UNAVAILABLE,
        )
    if isinstance(exc, bx.ClientError):
        return _client_error(exc)
    if isinstance(exc, bx.BotoCoreError):
        return Failure(f"AWS client error: {exc}", EXIT_AWS_UNAVAILABLE)
    return None


def report(failure: Failure) -> None:
    # Plain text: a value such as `arn:...:secret:rds!db-...` must print as given (no markup, no emoji).
    from tap.cli.common import err

    # soft_wrap: no hard line breaks inside paths and commands the user may copy.
    err.print(
        "error: " + failure.message,
        style="bold red",
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=True,
    )


class LazyCommands(dict[str, Any]):
    """A group's command table whose lazy entries are imported on first access (a lookup, or
    iterating values/items), so walkers of `.commands` (the docs, the tests) still see them."""

    def __init__(self, eager: dict[str, Any], lazy: dict[str, tuple[str, str]]) -> None:
        super().__init__(eager)
        self._lazy = {k: v for k, v in lazy.items() if k not in eager}
        for name in self._lazy:
            super().__setitem__(name, None)

    def _load(self, name: str) -> Any:
        import importlib

        import typer.main

        module, attr = self._lazy.pop(name)
        target = getattr(importlib.import_module(module), attr)
        if not isinstance(target, typer.Typer):  # a command function: a one-command app
            single = typer.Typer(add_completion=False)
            single.command(name)(target)
            target = single
        command = typer.main.get_command(target)
        command.name = name
        super().__setitem__(name, command)
        return command

    def __getitem__(self, name: str) -> Any:
        return self._load(name) if name in self._lazy else super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default  # noqa: SIM401 - self.get is this method

    def values(self) -> Any:
        return [self[k] for k in self]

    def items(self) -> Any:
        return [(k, self[k]) for k in self]


class TapGroup(typer.core.TyperGroup):
    """The root group: runs the chosen command inside the error edge. Groups registered in
    `LAZY` are imported only when used or listed: `tap plan` need not import boto3 and the
    Automation API that `tap migrate` needs."""

    LAZY: dict[str, tuple[str, str]] = {}  # name -> (module, its typer.Typer or command function)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(dict(self.commands), self.LAZY)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # usage errors, --help, Ctrl-C
            raise
        except Exception as exc:
            failure = classify(exc)
            if failure is None:
                if os.environ.get(DEBUG_ENV):
                    raise
                failure = Failure(
                    f"unexpected {type(exc).__name__}: {exc} (a bug in tap; run with {DEBUG_ENV}=1 "
                    "for the traceback and report it)",
                    1,
                )
            report(failure)
            raise typer.Exit(failure.exit_code) from None
