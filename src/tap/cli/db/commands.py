"""`tap db`: the data switch's commands. Parsing and printing only; the logic lives in
tap.replication. Reference: docs/data-switch.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tap.cli.common import confirm, handles_errors, out, print_json
from tap.cli.db.context import seed_endpoint, switch_context, switch_settings
from tap.cli.db.options import (
    AccountOpt,
    DevSecretOpt,
    DialectOpt,
    DryRunOpt,
    FromFileOpt,
    FromPositionOpt,
    JsonOpt,
    LeaseOpt,
    MaxLagOpt,
    NoSslOpt,
    OutputsOpt,
    RotateOpt,
    SeedAddressOpt,
    TableOpt,
    TimeoutOpt,
    WindowOpt,
    YesOpt,
)
from tap.replication.adapter import Server
from tap.replication.config import SwitchSettings
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
    st = switch_settings(30.0, 1, 5.0, app_account, table, 120, dialect == DialectName.LOCAL)
    ctx = switch_context(outputs, dev_admin_secret_arn, dialect, st, True)
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
    ctx = switch_context(outputs, dev_secret, dialect, st, as_json)
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
        confirm(
            f"switch the payment writer ({direction.source} -> {direction.target})?",
            yes,
            ReplicationInputError,
        )
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
    st = switch_settings(timeout, max_lag, lag_window, app_account, table, lease_seconds, no_ssl)
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
    st = switch_settings(timeout, max_lag, lag_window, app_account, table, lease_seconds, no_ssl)
    _switch(Direction.FALLBACK, outputs, dev_admin_secret_arn, dialect, st, dry_run, yes, as_json)


@db_app.command("sync")
@handles_errors
def sync_command(
    outputs: Path = OutputsOpt,
    dev_admin_secret_arn: str = DevSecretOpt,
    dialect: DialectName = DialectOpt,
    from_file: str = FromFileOpt,
    from_position: int = FromPositionOpt,
    rotate: bool = RotateOpt,
    lease_seconds: int = LeaseOpt,
    no_ssl: bool = NoSslOpt,
    dry_run: bool = DryRunOpt,
    yes: bool = YesOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Replication user (password only in Secrets Manager), binlog retention, prod replicating
    from dev over TLS from the seed coordinates."""
    st = switch_settings(30.0, 1, 5.0, ["app@%"], ["payments.payments"], lease_seconds, no_ssl)
    try:
        start = Position.of(from_file, from_position) if from_file else None
    except ValueError as exc:
        raise ReplicationInputError(f"--from-file: {exc}") from None
    ctx = switch_context(outputs, dev_admin_secret_arn, dialect, st, as_json)
    try:
        if not dry_run:
            confirm("start prod replicating from dev?", yes, ReplicationInputError)
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
    seed_address: str = SeedAddressOpt,
    lease_seconds: int = LeaseOpt,
    dry_run: bool = DryRunOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Stop the seed replica at lag 0, record its dev coordinates, print the config commands."""
    st = switch_settings(
        30.0, 1, 5.0, ["app@%"], ["payments.payments"], lease_seconds, dialect == DialectName.LOCAL
    )
    ctx = switch_context(outputs, dev_admin_secret_arn, dialect, st, as_json)
    try:
        endpoint = seed_endpoint(outputs, seed_address)
        replica = Server(endpoint, ctx.admin["dev"], ctx.dev.dialect)  # a replica shares dev's master user
        try:
            with ctx.locked():
                report = seed(replica, ctx.dev.endpoint, ctx.journal, ctx.clock, dry_run=dry_run)
        finally:
            replica.close()
    finally:
        ctx.close()
    _emit(report.as_json(), as_json, [f"seed coordinates: {report.coordinates}", *report.commands])
