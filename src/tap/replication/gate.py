"""The traffic controller's database gate, from the data switch's side: before green takes
payments, the writer record names prod, dev is fenced, and prod no longer replicates from dev
(a prod still replicating would apply dev's writes over its own). The lead wires this into
`tap.migration.gates` next to the CloudWatch-based check."""

from __future__ import annotations

from tap.migration.gates import GateResult, Verdict
from tap.replication.adapter import Account, Server
from tap.replication.observe import observe
from tap.replication.ops import replica_from
from tap.replication.writer import WriterRecord

NAME = "data-switch"


def data_switch_gate(
    writer: WriterRecord, dev: Server, prod: Server, accounts: tuple[Account, ...]
) -> GateResult:
    target = writer.target()
    d, p = observe(dev, accounts), observe(prod, accounts)
    values = {
        "writer": target,
        "dev_unlocked": list(d.unlocked_accounts),
        "dev_sessions": len(d.app_sessions),
    }
    if target != prod.endpoint.host:
        return GateResult(
            NAME, Verdict.FAIL, f"the writer record names {target!r}, not prod: run `tap db cutover`", values
        )
    if not d.fenced:
        return GateResult(
            NAME, Verdict.FAIL, "dev is not fenced: an app account is unlocked or a session is open", values
        )
    if replica_from(prod, dev.endpoint) is not None:
        return GateResult(NAME, Verdict.FAIL, "prod still replicates from dev", values)
    if not p.accepts_app_writes:
        return GateResult(NAME, Verdict.FAIL, "prod does not accept app writes", values)
    return GateResult(
        NAME, Verdict.PASS, "writer names prod; dev fenced; prod no longer replicates from dev", values
    )
