"""The data switch as the traffic controller's database gate sees it: before green takes
payments, the writer record names prod, dev is fenced (no app account unlocked, no app session
left), and prod no longer replicates from dev (a prod still replicating would apply dev's
writes over its own).

Observing needs admin sessions on both servers; `DatabaseAccess` opens them through the same
path as `tap db` (`context.connect_pair`: credentials from Secrets Manager only). Judging is
pure (`judge_switch`), so the controller's own tests can feed it observations."""

from __future__ import annotations

from dataclasses import dataclass

from tap.aws_clients import AwsClients
from tap.migration.deployment import Deployment
from tap.migration.switch_judgement import SwitchObservation, SwitchProbe, judge_switch
from tap.migration.verdicts import GateResult
from tap.replication.adapter import Account, Server
from tap.replication.context import connect_pair
from tap.replication.dialects import DialectName
from tap.replication.errors import ReplicationInputError
from tap.replication.observe import observe
from tap.replication.ops import replica_from
from tap.replication.writer import WriterRecord


def observe_switch(dev: Server, prod: Server, accounts: tuple[Account, ...]) -> SwitchObservation:
    d, p = observe(dev, accounts, activity=False), observe(prod, accounts, activity=False)
    return SwitchObservation(
        dev_unlocked=d.unlocked_accounts,
        dev_sessions=len(d.app_sessions),
        prod_replicates_from_dev=replica_from(prod, dev.endpoint) is not None,
        prod_accepts_app_writes=p.accepts_app_writes,
    )


def data_switch_gate(
    writer: WriterRecord, dev: Server, prod: Server, accounts: tuple[Account, ...]
) -> GateResult:
    return judge_switch(writer.target(), prod.endpoint.host, observe_switch(dev, prod, accounts))


@dataclass(frozen=True)
class DatabaseAccess:
    """What `tap migrate advance` is told so that its database gate can look at both servers:
    the same options as `tap db` (dev's admin secret, the dialect, the app accounts)."""

    dev_admin_secret_arn: str
    dialect: DialectName = DialectName.RDS_80
    app_accounts: tuple[str, ...] = ("app@%",)

    def __post_init__(self) -> None:
        for text in self.app_accounts:
            try:
                Account.parse(text)
            except ValueError as exc:
                raise ReplicationInputError(f"--app-account: {exc}") from None

    def probe(self, dep: Deployment, clients: AwsClients) -> SwitchProbe:
        accounts = tuple(Account.parse(a) for a in self.app_accounts)

        def observe_now() -> SwitchObservation:
            pair = connect_pair(dep, clients, self.dialect, self.dev_admin_secret_arn)
            try:
                return observe_switch(pair.dev, pair.prod, accounts)
            finally:
                pair.close()

        return observe_now
