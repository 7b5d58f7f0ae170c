"""The data switch as the traffic controller's database gate sees it: before green takes
payments, the writer record names prod, dev is fenced (no app account unlocked, no app session
left), and prod no longer replicates from dev (a prod still replicating would apply dev's
writes over its own).

Observing needs admin sessions on both servers; `DatabaseAccess` opens them through the same
path as `tap db` (`context.connect_pair`: credentials from Secrets Manager only). Judging is
pure (`judge_switch`), so the controller's own tests can feed it observations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tap.aws_clients import AwsClients
from tap.migration.deployment import Deployment
from tap.migration.verdicts import GateResult, Verdict
from tap.replication.adapter import Account, Server
from tap.replication.context import connect_pair
from tap.replication.dialects import DialectName
from tap.replication.errors import ReplicationInputError
from tap.replication.observe import observe
from tap.replication.ops import replica_from
from tap.replication.writer import WriterRecord

NAME = "data-switch"

# What the controller calls for one observation of both databases.
SwitchProbe = Callable[[], "SwitchObservation"]


@dataclass(frozen=True)
class SwitchObservation:
    """Both databases, read directly, as far as the traffic gate needs them."""

    dev_unlocked: tuple[str, ...]
    dev_sessions: int
    prod_replicates_from_dev: bool
    prod_accepts_app_writes: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "dev_unlocked_app_accounts": list(self.dev_unlocked),
            "dev_app_sessions": self.dev_sessions,
            "prod_replicates_from_dev": self.prod_replicates_from_dev,
            "prod_accepts_app_writes": self.prod_accepts_app_writes,
        }


def observe_switch(dev: Server, prod: Server, accounts: tuple[Account, ...]) -> SwitchObservation:
    d, p = observe(dev, accounts, activity=False), observe(prod, accounts, activity=False)
    return SwitchObservation(
        dev_unlocked=d.unlocked_accounts,
        dev_sessions=len(d.app_sessions),
        prod_replicates_from_dev=replica_from(prod, dev.endpoint) is not None,
        prod_accepts_app_writes=p.accepts_app_writes,
    )


def judge_switch(writer_target: str | None, prod_address: str, obs: SwitchObservation) -> GateResult:
    values = {"writer": writer_target, **obs.as_json()}
    if writer_target != prod_address:
        return GateResult(
            NAME,
            Verdict.FAIL,
            f"the writer record names {writer_target!r}, not prod {prod_address!r}: run `tap db cutover`",
            values,
        )
    if obs.dev_unlocked or obs.dev_sessions:
        unlocked = ", ".join(obs.dev_unlocked) or "none"
        return GateResult(
            NAME,
            Verdict.FAIL,
            f"dev is not fenced: unlocked app account(s) {unlocked}, {obs.dev_sessions} app session(s)",
            values,
        )
    if obs.prod_replicates_from_dev:
        return GateResult(NAME, Verdict.FAIL, "prod still replicates from dev", values)
    if not obs.prod_accepts_app_writes:
        return GateResult(NAME, Verdict.FAIL, "prod does not accept app writes", values)
    return GateResult(
        NAME, Verdict.PASS, "writer names prod; dev fenced; prod no longer replicates from dev", values
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
