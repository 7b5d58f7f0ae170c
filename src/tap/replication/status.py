"""`tap db status`: both servers, the writer record, the open switch run and the lock, with
one verdict. Read only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tap.fence_filter import FENCE_SCHEMA, IGNORE_DB_PARAMETER
from tap.replication.context import DbContext
from tap.replication.observe import ServerState, observe


@dataclass(frozen=True)
class DbStatus:
    dev: ServerState
    prod: ServerState
    writer_target: str | None
    writer_names: str  # "dev", "prod" or "unknown"
    problems: tuple[str, ...]
    open_run: dict[str, Any] | None
    lock: tuple[str, float] | None

    @property
    def writers(self) -> tuple[str, ...]:
        return tuple(s.name for s in (self.dev, self.prod) if s.accepts_app_writes)

    def as_json(self) -> dict[str, Any]:
        return {
            "dev": self.dev.as_json(),
            "prod": self.prod.as_json(),
            "writer_record": {"target": self.writer_target, "names": self.writer_names},
            "accepting_app_writes": list(self.writers),
            "problems": list(self.problems),
            "open_run": self.open_run,
            "lock": None if self.lock is None else {"owner": self.lock[0], "seconds_left": self.lock[1]},
        }


def status(ctx: DbContext) -> DbStatus:
    st = ctx.settings
    dev = observe(ctx.dev, st.accounts, st.long_transaction_seconds)
    prod = observe(ctx.prod, st.accounts, st.long_transaction_seconds)
    target = ctx.writer.target()
    names = {ctx.dev.endpoint.host: "dev", ctx.prod.endpoint.host: "prod"}.get(target or "", "unknown")
    open_run = ctx.journal.open_run()
    return DbStatus(
        dev,
        prod,
        target,
        names,
        _problems(dev, prod, names),
        open_run.as_json() if open_run else None,
        ctx.store.lock_holder(),
    )


def _problems(dev: ServerState, prod: ServerState, names: str) -> tuple[str, ...]:
    found = []
    writers = [s.name for s in (dev, prod) if s.accepts_app_writes]
    if len(writers) == 2:
        found.append(
            "both servers accept app writes: run `tap db status` again, then fence the one the writer "
            "record does not name"
        )
    if names == "unknown":
        found.append("the writer record names neither server")
    elif writers and names not in writers:
        found.append(f"the writer record names {names}, which does not accept app writes")
    for s in (dev, prod):
        if s.replica is not None and s.replica.broken:
            found.append(
                f"{s.name} replication error {s.replica.last_errno}: {s.replica.last_error[:120]} (reseed)"
            )
        if s.replica is not None and not s.replica.keeps_fences_local:
            other = "prod" if s.name == "dev" else "dev"
            found.append(
                f"{s.name} replicates without {IGNORE_DB_PARAMETER}={FENCE_SCHEMA}: an unlock on {other} "
                f"would unlock {s.name} too (set it in {s.name}'s parameter group; dynamic)"
            )
        if s.missing_accounts:
            found.append(f"{s.name} lacks app account(s) {list(s.missing_accounts)}")
    return tuple(found)
