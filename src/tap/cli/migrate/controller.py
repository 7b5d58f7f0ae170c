"""The controller a `tap migrate` command runs on, built from its options, and the edge that
keeps boto3's failures from reaching the terminal as a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from tap.aws_clients import AwsClients
from tap.cli.common import err, settings_values
from tap.migration.aws_faults import AwsFailure, AwsUnavailable
from tap.migration.clock import SystemClock
from tap.migration.controller import Controller
from tap.migration.deployment import Deployment
from tap.migration.errors import MigrationInputError
from tap.migration.wiring import ApplierName, build_controller
from tap.replication.dialects import DialectName
from tap.replication.gate import DatabaseAccess
from tap.settings import Settings, parse

P = ParamSpec("P")
R = TypeVar("R")


def no_aws_tracebacks(fn: Callable[P, R]) -> Callable[P, R]:
    """The controller handles the AWS failures it expects; anything boto3 raises past it still
    becomes a one-line message naming the failure class (exit 1), never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except AwsFailure as exc:
            raise AwsUnavailable(f"tap migrate {fn.__name__.removesuffix('_command')}", exc) from exc

    return wrapper


def load_settings(config: Path | None) -> Settings:
    return parse(settings_values(config))


def database_access(secret_arn: str, dialect: DialectName, accounts: list[str]) -> DatabaseAccess | None:
    """How the database gate reaches both servers, or None (the gate then fails closed)."""
    return DatabaseAccess(secret_arn, dialect, tuple(accounts)) if secret_arn else None


def controller(
    settings: Settings,
    outputs: Path,
    stack: str | None,
    work_dir: Path,
    applier: ApplierName = ApplierName.PULUMI,
    *,
    reconcile: bool = True,
    needs_stack: bool = False,
    progress: Any = None,
    database: DatabaseAccess | None = None,
) -> Controller:
    if needs_stack and not stack:
        raise MigrationInputError(
            "pass --stack NAME (or set PULUMI_STACK): the stack the Pulumi update runs on"
        )
    dep, clients = Deployment.from_file(outputs), AwsClients.from_environment(settings.core.region)
    return build_controller(
        settings,
        dep,
        clients,
        SystemClock(),
        stack_name=stack or "",
        work_dir=work_dir,
        applier=applier,
        reconcile=reconcile,
        progress=progress,
        on_output=lambda line: err.print(line.rstrip(), markup=False, highlight=False),
        switch_probe=database.probe(dep, clients) if database else None,
    )
