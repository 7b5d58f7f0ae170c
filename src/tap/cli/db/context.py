"""What a `tap db` command runs on, from its options: the switch settings, the context (both
servers, the journal, the lock) and the seed replica's address."""

from __future__ import annotations

from pathlib import Path

from tap.aws_clients import AwsClients
from tap.cli.common import err
from tap.migration.clock import SystemClock
from tap.migration.deployment import Deployment
from tap.migration.wiring import default_owner
from tap.replication.adapter import Endpoint
from tap.replication.config import SwitchSettings
from tap.replication.context import DbContext, build_context
from tap.replication.dialects import DialectName
from tap.replication.errors import ReplicationInputError


def switch_context(
    outputs: Path, dev_secret: str, dialect: DialectName, settings: SwitchSettings, quiet: bool
) -> DbContext:
    if not settings.ssl and dialect != DialectName.LOCAL:
        raise ReplicationInputError("--no-ssl is refused with an RDS dialect: prod requires secure transport")
    progress = None if quiet else (lambda line: err.print(line, markup=False, highlight=False))
    return build_context(
        Deployment.from_file(outputs),
        AwsClients.from_environment(),
        settings,
        SystemClock(),
        owner=default_owner(),
        dialect=dialect,
        dev_admin_secret_arn=dev_secret,
        progress=progress,
    )


def switch_settings(
    timeout: float,
    max_lag: int,
    window: float,
    accounts: list[str],
    tables: list[str],
    lease: int,
    no_ssl: bool,
) -> SwitchSettings:
    return SwitchSettings(
        timeout_seconds=timeout,
        max_lag_seconds=max_lag,
        lag_window_seconds=window,
        app_accounts=tuple(accounts),
        payment_tables=tuple(tables),
        lease_seconds=lease,
        ssl=not no_ssl,
    )


def seed_endpoint(outputs: Path, address: str) -> Endpoint:
    """--seed-address host:port, or the seed replica the outputs name, as RDS describes it."""
    if address:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ReplicationInputError(f"--seed-address {address!r} must be host:port")
        return Endpoint("seed", host, int(port))
    ident = Deployment.from_file(outputs).seed_replica_identifier
    if not ident:
        raise ReplicationInputError(
            "the outputs name no seed replica (seed_replica_identifier): phase `seed` deploys it"
        )
    rds = AwsClients.from_environment().client("rds")
    found = rds.describe_db_instances(DBInstanceIdentifier=ident)["DBInstances"][0]["Endpoint"]
    return Endpoint("seed", str(found["Address"]), int(found["Port"]))
