"""Everything a `tap db` sequence works on, built once from the outputs, secrets and options."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tap.aws_clients import AwsClients
from tap.migration.clock import Clock
from tap.migration.deployment import Deployment
from tap.migration.store import StateStore
from tap.replication.adapter import Credentials, Endpoint, Server
from tap.replication.config import SwitchSettings
from tap.replication.dialects import DialectName, dialect_for
from tap.replication.errors import ReplicationInputError
from tap.replication.journal import Direction, Journal
from tap.replication.secrets import ReplicationSecret, admin_credentials
from tap.replication.writer import WriterRecord

if TYPE_CHECKING:
    from types_boto3_rds.client import RDSClient

DEFAULT_PORT = 3306


@dataclass
class DbContext:
    dev: Server
    prod: Server
    settings: SwitchSettings
    writer: WriterRecord
    secret: ReplicationSecret
    store: StateStore
    clock: Clock
    admin: dict[str, Credentials] = field(default_factory=dict)  # for connections through the writer name
    rds: RDSClient | None = None  # boto3 RDS client, for failover events (None: identity checks only)
    instance_ids: dict[str, str] = field(default_factory=dict)
    progress: Callable[[str], None] | None = None  # one line per step, for the CLI

    @property
    def journal(self) -> Journal:
        return Journal(self.store)

    def side(self, name: str) -> Server:
        return self.dev if name == "dev" else self.prod

    def pair(self, direction: Direction) -> tuple[Server, Server]:
        return self.side(direction.source), self.side(direction.target)

    def say(self, line: str) -> None:
        if self.progress is not None:
            self.progress(line)

    def now(self) -> datetime:
        return self.clock.now()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """The one lock `tap db` shares with `tap migrate` (LockHeld, exit 4, when taken)."""
        self.store.acquire()
        try:
            yield
        finally:
            self.store.release()

    def close(self) -> None:
        self.dev.close()
        self.prod.close()


def _need(value: Any, key: str) -> Any:
    if value in (None, ""):
        raise ReplicationInputError(
            f"the outputs lack {key!r}: deploy the data tier (phase `seed` or later) first"
        )
    return value


def endpoints(dep: Deployment) -> tuple[Endpoint, Endpoint]:
    dev = Endpoint("dev", _need(dep.dev_db_address, "dev_db_address"), dep.dev_db_port or DEFAULT_PORT)
    prod = Endpoint(
        "prod", _need(dep.db_instance_address, "db_instance_address"), dep.db_instance_port or DEFAULT_PORT
    )
    return dev, prod


def writer_record(dep: Deployment, clients: AwsClients, clock: Clock) -> WriterRecord:
    return WriterRecord(
        clients.client("route53"),
        _need(dep.writer_zone_id, "writer_zone_id"),
        _need(dep.writer_record_fqdn, "writer_record_fqdn"),
        clock,
    )


@dataclass(frozen=True)
class Connected:
    dev: Server
    prod: Server
    admin: dict[str, Credentials]

    def close(self) -> None:
        self.dev.close()
        self.prod.close()


def connect_pair(
    dep: Deployment, clients: AwsClients, dialect: DialectName, dev_admin_secret_arn: str
) -> Connected:
    """Admin sessions on both servers: dev's credentials from the secret the operator names,
    prod's from the RDS-managed master secret in the outputs. The one path `tap db` and the
    traffic controller's database gate connect through; passwords stay in memory."""
    if not dev_admin_secret_arn:
        raise ReplicationInputError("--dev-admin-secret-arn (or TAP_DEV_DB_ADMIN_SECRET_ARN) is required")
    dev_ep, prod_ep = endpoints(dep)
    sm = clients.client("secretsmanager")
    prod_arn = _need(dep.db_master_user_secret_arn, "db_master_user_secret_arn")
    admin = {
        "dev": admin_credentials(sm, dev_admin_secret_arn, "dev"),
        "prod": admin_credentials(sm, prod_arn, "prod"),
    }
    d = dialect_for(dialect)
    dev = Server(dev_ep, admin["dev"], d)
    try:
        prod = Server(prod_ep, admin["prod"], d)
    except Exception:
        dev.close()
        raise
    return Connected(dev, prod, admin)


def build_context(
    dep: Deployment,
    clients: AwsClients,
    settings: SwitchSettings,
    clock: Clock,
    *,
    owner: str,
    dialect: DialectName,
    dev_admin_secret_arn: str,
    progress: Callable[[str], None] | None = None,
) -> DbContext:
    """Connects to both servers as their admin users (credentials read from Secrets Manager)."""
    writer = writer_record(dep, clients, clock)
    secret = ReplicationSecret(
        clients.client("secretsmanager"),
        _need(dep.replication_secret_arn, "replication_secret_arn"),
        settings.replication_user,
    )
    store = StateStore(clients.client("dynamodb"), dep.state_table, owner, clock, settings.lease_seconds)
    pair = connect_pair(dep, clients, dialect, dev_admin_secret_arn)
    ids = {
        k: v for k, v in (("dev", dep.dev_db_instance_identifier), ("prod", dep.db_instance_identifier)) if v
    }
    rds = clients.client("rds") if dialect != DialectName.LOCAL and ids else None
    return DbContext(
        pair.dev, pair.prod, settings, writer, secret, store, clock, pair.admin, rds, ids, progress
    )
