"""The options of `tap db`'s commands; the secret, dialect and app-account options are also
`tap migrate status` and `advance`'s (their database gate reads both servers the same way)."""

from __future__ import annotations

import typer

from tap.migration.deployment import DEFAULT_OUTPUTS
from tap.replication.dialects import DialectName

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
FromFileOpt = typer.Option(
    "",
    "--from-file",
    help="Start at this dev binlog file (default: the coordinates `tap db seed` recorded).",
)
FromPositionOpt = typer.Option(0, "--from-position", help="... and this position.")
RotateOpt = typer.Option(False, "--rotate", help="Generate a new replication password.")
SeedAddressOpt = typer.Option(
    "",
    "--seed-address",
    envvar="TAP_DB_SEED_ADDRESS",
    help="host:port of the seed replica (default: read from RDS by seed_replica_identifier).",
)
