"""`tap db`: the data switch's commands. Parsing and printing only; the logic lives in
tap.replication. Reference: docs/data-switch.md."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from tap.aws_clients import AwsClients
from tap.cli.common import err, handles_errors, out, print_json
from tap.migration.clock import SystemClock
from tap.migration.deployment import DEFAULT_OUTPUTS, Deployment
from tap.migration.wiring import default_owner
from tap.replication.adapter import Endpoint, Server
from tap.replication.config import SwitchSettings
from tap.replication.context import DbContext, build_context
from tap.replication.cutover import cutover
from tap.replication.dialects import DialectName
from tap.replication.errors import ReplicationInputError
from tap.replication.fallback import fallback
from tap.replication.journal import Direction
from tap.replication.position import Position
from tap.replication.preview import preview
from tap.replication.report import SwitchReport
from tap.replication.seed import seed
from tap.replication.status import status
from tap.replication.sync import sync

db_app = typer.Typer(
    name="db",
    help=(
        "Move the payment database from dev to prod (and back) with a fenced writer switch. "
        "Exit codes: 0 ok; 1 a statement or AWS call failed, or `status` found a problem; "
        "2 bad options, outputs or secrets; 3 a gate refused (nothing changed) or the switch "
        "reverted (the old writer is back, nothing lost); 4 the migration lock is held (by "
        "`tap migrate` or another `tap db`); 5 stopped where a human must look (one writer at most)."
    ),
    no_args_is_help=True,
)

OutputsOpt = typer.Option(DEFAULT_OUTPUTS, "--outputs", "-o", help="Flat stack outputs.", dir_okay=False)
DevSecretOpt = typer.Option(
    "",
    "--dev-admin-secret-arn",
    envvar="TAP_DEV_DB_ADMIN_SECRET_ARN",
    help="Secrets Manager ARN of dev's admin (master) credentials, JSON username/password.",
)
DialectOpt = typer.Option(
    DialectName.RDS_80,
    "--dialect",
    envvar="TAP_DB_DIALECT",
    help="rds-8.0 / rds-8.4: RDS stored procedures (production). local: plain CHANGE MASTER TO on "
    "a local MariaDB — LOCAL TESTS ONLY, never against RDS.",
)
TimeoutOpt = typer.Option(
    30.0, "--timeout", help="Seconds from the gates to the target unlocked; past it, revert."
)
MaxLagOpt = typer.Option(1, "--max-lag", help="Gate: replica lag at most this many seconds ...")
WindowOpt = typer.Option(5.0, "--lag-window", help="... for this many seconds without a break.")
AccountOpt = typer.Option(["app@%"], "--app-account", help="App account(s) to fence, user@host (repeat).")
TableOpt = typer.Option(
    ["payments.payments"], "--table", help="Payment table(s) to checksum, schema.table (repeat)."
)
LeaseOpt = typer.Option(120, "--lease-seconds", help="Lease of the lock shared with `tap migrate`.")
NoSslOpt = typer.Option(False, "--no-ssl", help="Replicate without TLS: local dialect only.")
DryRunOpt = typer.Option(False, "--dry-run", help="Read and report; change nothing, take no lock.")
YesOpt = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation (non-interactive runs).")
JsonOpt = typer.Option(False, "--json", help="Machine-readable output.")


def _context(
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


def _settings(
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


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise ReplicationInputError(f"{question} needs confirmation; pass --yes for non-interactive runs")
    typer.confirm(question, abort=True)


def _emit(data: dict[str, Any], as_json: bool, lines: list[str]) -> None:
    if as_json:
        print_json(data)
    else:
        for line in lines:
            out.print(line, markup=False, highlight=False)


@db_app.command("status")
@handles_errors
def status_command(
    outputs: Path = OutputsOpt,
    dev_admin_secret_arn: str = DevSecretOpt,
    dialect: DialectName = DialectOpt,
    app_account: list[str] = AccountOpt,
    table: list[str] = TableOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Both servers, the writer record, an open switch run and the lock. Exit 1 on a problem."""
    st = _settings(30.0, 1, 5.0, app_account, table, 120, dialect == DialectName.LOCAL)
    ctx = _context(outputs, dev_admin_secret_arn, dialect, st, True)
    try:
        s = status(ctx)
    finally:
        ctx.close()
    lines = [
        f"writer record -> {s.writer_target} ({s.writer_names})",
        f"accepting app writes: {', '.join(s.writers) or 'none'}",
    ]
    for side in (s.dev, s.prod):
        rep = side.replica
        lines.append(
            f"{side.name}: writes {'yes' if side.accepts_app_writes else 'no'}, "
            f"{len(side.app_sessions)} app session(s), binlog {side.binlog}, replication "
            + (
                "none"
                if rep is None
                else f"from {rep.source_host}:{rep.source_port} "
                f"{'running' if rep.running else 'stopped'} lag {rep.lag_seconds} err {rep.last_errno}"
            )
        )
    if s.open_run:
        lines.append(
            f"open switch run {s.open_run['run']} ({s.open_run['direction']}) at {s.open_run['step']}"
        )
    lines += [f"problem: {p}" for p in s.problems]
    _emit(s.as_json(), as_json, lines)
    if s.problems:
        raise typer.Exit(1)


def _switch(
    direction: Direction,
    outputs: Path,
    dev_secret: str,
    dialect: DialectName,
    st: SwitchSettings,
    dry_run: bool,
    yes: bool,
    as_json: bool,
) -> None:
    ctx = _context(outputs, dev_secret, dialect, st, as_json)
    try:
        if dry_run:
            data = preview(ctx, direction)
            _emit(
                data,
                as_json,
                [f"{g['verdict']:>5} {g['gate']}: {g['detail']}" for g in data["gates"]]
                + ["would run:"]
                + [f"  {i}. {s}" for i, s in enumerate(data["would_run"], 1)],
            )
            return
        _confirm(f"switch the payment writer ({direction.source} -> {direction.target})?", yes)
        report: SwitchReport = cutover(ctx) if direction == Direction.CUTOVER else fallback(ctx)
        _emit(
            report.as_json(),
            as_json,
            [f"{report.direction.value} {report.ending.value}: writer is {report.direction.target}"],
        )
    finally:
        ctx.close()


@db_app.command("cutover")
@handles_errors
def cutover_command(
    outputs: Path = OutputsOpt,
    dev_admin_secret_arn: str = DevSecretOpt,
    dialect: DialectName = DialectOpt,
    timeout: float = TimeoutOpt,
    max_lag: int = MaxLagOpt,
    lag_window: float = WindowOpt,
    app_account: list[str] = AccountOpt,
    table: list[str] = TableOpt,
    lease_seconds: int = LeaseOpt,
    no_ssl: bool = NoSslOpt,
    dry_run: bool = DryRunOpt,
    yes: bool = YesOpt,
    as_json: bool = JsonOpt,
) -> None:
    """dev -> prod: gates, fence dev, wait for prod to apply dev's fence position, reverse
    replication, unfence prod, flip the writer record, confirm. Resumes a crashed run."""
    st = _settings(timeout, max_lag, lag_window, app_account, table, lease_seconds, no_ssl)
    _switch(Direction.CUTOVER, outputs, dev_admin_secret_arn, dialect, st, dry_run, yes, as_json)


@db_app.command("fallback")
@handles_errors
def fallback_command(
    outputs: Path = OutputsOpt,
    dev_admin_secret_arn: str = DevSecretOpt,
    dialect: DialectName = DialectOpt,
    timeout: float = TimeoutOpt,
    max_lag: int = MaxLagOpt,
    lag_window: float = WindowOpt,
    app_account: list[str] = AccountOpt,
    table: list[str] = TableOpt,
    lease_seconds: int = LeaseOpt,
    no_ssl: bool = NoSslOpt,
    dry_run: bool = DryRunOpt,
    yes: bool = YesOpt,
    as_json: bool = JsonOpt,
) -> None:
    """prod -> dev: the cutover reversed (needs dev replicating from prod, which cutover starts)."""
    st = _settings(timeout, max_lag, lag_window, app_account, table, lease_seconds, no_ssl)
    _switch(Direction.FALLBACK, outputs, dev_admin_secret_arn, dialect, st, dry_run, yes, as_json)


@db_app.command("sync")
@handles_errors
def sync_command(
    outputs: Path = OutputsOpt,
    dev_admin_secret_arn: str = DevSecretOpt,
    dialect: DialectName = DialectOpt,
    from_file: str = typer.Option(
        "",
        "--from-file",
        help="Start at this dev binlog file (default: the coordinates `tap db seed` recorded).",
    ),
    from_position: int = typer.Option(0, "--from-position", help="... and this position."),
    rotate: bool = typer.Option(False, "--rotate", help="Generate a new replication password."),
    lease_seconds: int = LeaseOpt,
    no_ssl: bool = NoSslOpt,
    dry_run: bool = DryRunOpt,
    yes: bool = YesOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Replication user (password only in Secrets Manager), binlog retention, prod replicating
    from dev over TLS from the seed coordinates."""
    st = _settings(30.0, 1, 5.0, ["app@%"], ["payments.payments"], lease_seconds, no_ssl)
    try:
        start = Position.of(from_file, from_position) if from_file else None
    except ValueError as exc:
        raise ReplicationInputError(f"--from-file: {exc}") from None
    ctx = _context(outputs, dev_admin_secret_arn, dialect, st, as_json)
    try:
        if not dry_run:
            _confirm("start prod replicating from dev?", yes)
        with ctx.locked():
            report = sync(ctx, start, rotate=rotate, dry_run=dry_run)
    finally:
        ctx.close()
    verb = "would replicate" if dry_run else ("already replicates" if report.already else "replicates")
    _emit(report.as_json(), as_json, [f"prod {verb} from dev from {report.start}"])


@db_app.command("seed")
@handles_errors
def seed_command(
    outputs: Path = OutputsOpt,
    dev_admin_secret_arn: str = DevSecretOpt,
    dialect: DialectName = DialectOpt,
    seed_address: str = typer.Option(
        "",
        "--seed-address",
        envvar="TAP_DB_SEED_ADDRESS",
        help="host:port of the seed replica (default: read from RDS by seed_replica_identifier).",
    ),
    lease_seconds: int = LeaseOpt,
    dry_run: bool = DryRunOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Stop the seed replica at lag 0, record its dev coordinates, print the config commands."""
    st = _settings(
        30.0, 1, 5.0, ["app@%"], ["payments.payments"], lease_seconds, dialect == DialectName.LOCAL
    )
    ctx = _context(outputs, dev_admin_secret_arn, dialect, st, as_json)
    try:
        endpoint = _seed_endpoint(ctx, outputs, seed_address)
        replica = Server(endpoint, ctx.admin["dev"], ctx.dev.dialect)  # a replica shares dev's master user
        try:
            with ctx.locked():
                report = seed(replica, ctx.dev.endpoint, ctx.journal, ctx.clock, dry_run=dry_run)
        finally:
            replica.close()
    finally:
        ctx.close()
    _emit(report.as_json(), as_json, [f"seed coordinates: {report.coordinates}", *report.commands])


def _seed_endpoint(ctx: DbContext, outputs: Path, address: str) -> Endpoint:
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
