"""`tap db`'s settings, validated once, before anything connects (key, value, what is allowed)."""

from __future__ import annotations

from dataclasses import dataclass

from tap.replication.adapter import Account
from tap.replication.errors import ReplicationInputError
from tap.replication.fingerprint import Table


@dataclass(frozen=True)
class SwitchSettings:
    timeout_seconds: float = 30.0  # fence -> target unlocked; past it, the switch reverts
    max_lag_seconds: int = 1  # cutover gate: Seconds_Behind_Source at most this ...
    lag_window_seconds: float = 5.0  # ... for this long without a break
    poll_seconds: float = 0.1  # how often the switch observes while it waits
    long_transaction_seconds: int = 10  # an older transaction on the source refuses the switch
    app_accounts: tuple[str, ...] = ("app@%",)
    payment_tables: tuple[str, ...] = ("payments.payments",)
    binlog_retention_hours: int = 72  # on RDS sources; NULL would purge binlogs at once
    lease_seconds: int = 120  # the lock lease shared with `tap migrate`
    replication_user: str = "tap_repl"
    ssl: bool = True  # ssl_encryption=1: prod requires secure transport

    def __post_init__(self) -> None:
        bad: list[str] = []

        def need(ok: bool, key: str, allowed: str) -> None:
            if not ok:
                bad.append(f"--{key.replace('_', '-')} = {getattr(self, key)!r} is not allowed: {allowed}")

        need(0 < self.timeout_seconds <= 600, "timeout_seconds", "0 < seconds <= 600")
        need(0 <= self.max_lag_seconds <= 60, "max_lag_seconds", "0..60 seconds")
        need(0 <= self.lag_window_seconds <= 600, "lag_window_seconds", "0..600 seconds")
        need(0 < self.poll_seconds <= 5, "poll_seconds", "0 < seconds <= 5")
        need(1 <= self.long_transaction_seconds <= 3600, "long_transaction_seconds", "1..3600 seconds")
        need(
            1 <= self.binlog_retention_hours <= 168,
            "binlog_retention_hours",
            "1..168 hours (RDS allows up to 7 days)",
        )
        need(2 <= self.lease_seconds <= 3600, "lease_seconds", "2..3600 seconds")
        need(bool(self.app_accounts), "app_accounts", "at least one user@host")
        need(bool(self.payment_tables), "payment_tables", "at least one schema.table")
        need(
            self.replication_user.replace("_", "").isalnum() and 0 < len(self.replication_user) <= 32,
            "replication_user",
            "letters, digits and _, at most 32 characters",
        )
        for text in self.app_accounts:
            try:
                Account.parse(text)
            except ValueError as exc:
                bad.append(str(exc))
        for text in self.payment_tables:
            try:
                Table.parse(text)
            except ReplicationInputError as exc:
                bad.append(str(exc))
        if bad:
            raise ReplicationInputError("invalid `tap db` option(s):\n" + "\n".join(f"  - {b}" for b in bad))

    @property
    def accounts(self) -> tuple[Account, ...]:
        return tuple(Account.parse(a) for a in self.app_accounts)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(Table.parse(t) for t in self.payment_tables)

    @property
    def schemas(self) -> tuple[str, ...]:
        return tuple(sorted({t.schema for t in self.tables}))
