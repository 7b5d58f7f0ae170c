"""Every way the switch must refuse or revert, each with a clear message; and the fence never
crosses to the other side."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tap.migration.errors import LockHeld
from tap.migration.store import StateStore
from tap.replication.adapter import Account
from tap.replication.cutover import cutover
from tap.replication.dialects import Statement
from tap.replication.errors import ReplicationError, SwitchRefused, SwitchReverted
from tap.replication.ops import set_locked
from tap.replication.sync import sync
from tests.replication.conftest import FAST, World
from tests.replication.helpers import caught_up, delay_replica, keys, locked, replica_row, sql, wait_until

# One worker holds the MariaDB pair: these tests share it (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("mariadb")



def _writer_is_dev_only(world: World) -> None:
    assert not locked(world.dev) and locked(world.prod)
    assert world.ctx.writer.target() == world.dev.host


def test_lag_above_the_limit_refuses_and_changes_nothing(world: World) -> None:
    delay_replica(world.prod, 3)
    load = world.write_load().start()
    try:
        wait_until(
            lambda: int(replica_row(world.prod).get("Seconds_Behind_Master") or 0) > 1, 10, "lag > 1 s"
        )
        ctx = world.fresh_context(replace(FAST, lag_window_seconds=3.0))  # any sample above fails the window
        try:
            with pytest.raises(SwitchRefused, match=r"lags \d+ s > 1 s allowed"):
                cutover(ctx)
        finally:
            ctx.close()
    finally:
        load.stop()
    _writer_is_dev_only(world)


def test_a_broken_replica_refuses_and_is_never_skipped(world: World) -> None:
    sql(world.prod, "INSERT INTO payments.payments (idem_key, amount_cents) VALUES ('dup', 1)")
    sql(world.dev, "INSERT INTO payments.payments (idem_key, amount_cents) VALUES ('dup', 1)")
    wait_until(
        lambda: int(replica_row(world.prod).get("Last_SQL_Errno") or 0) == 1062, 10, "duplicate-key stop"
    )
    with pytest.raises(SwitchRefused, match=r"1062.*never skipped: reseed"):
        cutover(world.ctx)
    with pytest.raises(ReplicationError, match="never skips a replication error"):
        sync(world.ctx)
    assert int(replica_row(world.prod)["Last_SQL_Errno"]) == 1062  # still stopped, nothing skipped
    _writer_is_dev_only(world)


def test_a_checksum_mismatch_refuses(world: World) -> None:
    sql(
        world.dev,
        *[f"INSERT INTO payments.payments (idem_key, amount_cents) VALUES ('k{i}', {i})" for i in range(20)],
    )
    wait_until(lambda: caught_up(world.prod, world.dev), 10, "prod caught up")
    sql(
        world.prod,
        "SET sql_log_bin=0",
        "UPDATE payments.payments SET amount_cents = amount_cents + 1 WHERE idem_key='k7'",
    )
    with pytest.raises(SwitchRefused, match=r"checksum: payments.payments rows \d+\.\.\d+ differ"):
        cutover(world.ctx)
    _writer_is_dev_only(world)


def test_a_timeout_before_the_flip_unlocks_dev_and_loses_nothing(world: World) -> None:
    delay_replica(world.prod, 1)
    ctx = world.fresh_context(
        FAST.__class__(**{**FAST.__dict__, "timeout_seconds": 0.6, "max_lag_seconds": 10})
    )
    load = world.write_load().start()
    try:
        load.wait_for(50)
        with pytest.raises(
            SwitchReverted, match=r"timed out after .* at step (gated|fenced).*dev is the writer again"
        ):
            cutover(ctx)
        n = len(load.acked)
        load.wait_for(n + 50)  # dev takes writes again
    finally:
        load.stop()
        ctx.close()
    _writer_is_dev_only(world)
    assert replica_row(world.prod)["Slave_SQL_Running"] == "Yes"
    delay_replica(world.prod, 0)
    wait_until(lambda: caught_up(world.prod, world.dev), 10, "prod caught up")
    assert set(load.acked) <= set(keys(world.prod)) and set(load.acked) <= set(keys(world.dev))


def test_fence_statements_never_cross_but_unfiltered_ones_do(world: World) -> None:
    for s in (world.dev, world.prod):
        sql(s, "SET sql_log_bin=0", "CREATE USER 'canary'@'%' IDENTIFIED BY 'x'")
    try:
        # control: with another default database the lock replicates to prod
        sql(world.dev, "USE payments", "ALTER USER 'canary'@'%' ACCOUNT LOCK")
        wait_until(lambda: caught_up(world.prod, world.dev), 10, "prod caught up")
        assert locked(world.prod, "canary")
        # tap's way (`mysql` as the default database): filtered by replicate_ignore_db=mysql
        set_locked(world.ctx.dev, (Account("canary", "%"),), False)
        sql(world.dev, "INSERT INTO payments.payments (idem_key, amount_cents) VALUES ('after', 1)")
        wait_until(lambda: caught_up(world.prod, world.dev), 10, "prod caught up")
        assert not locked(world.dev, "canary") and locked(world.prod, "canary")
        assert "after" in keys(world.prod)
    finally:
        for s in (world.dev, world.prod):
            sql(s, "SET sql_log_bin=0", "DROP USER 'canary'@'%'")


def test_the_replication_password_lives_only_in_secrets_manager(world: World) -> None:
    sync(world.ctx, rotate=True)
    secret = json.loads(
        world.clients.client("secretsmanager").get_secret_value(
            SecretId=world.outputs["replication_secret_arn"]
        )["SecretString"]
    )["password"]
    assert len(secret) >= 32
    history = json.dumps([e.as_json() for e in world.ctx.store.history()])
    assert secret not in history
    assert secret not in repr(world.ctx.secret.read())
    with pytest.raises(ReplicationError) as caught:
        world.ctx.prod.run(
            Statement("CHANGE MASTER TO MASTER_PASSWORD=%s, MASTER_PORT=%s", (secret, "x"), True)
        )
    assert secret not in str(caught.value) and "not shown" in str(caught.value)
    wait_until(lambda: replica_row(world.prod)["Slave_IO_Running"] == "Yes", 10, "the IO thread to log in")
    row = replica_row(world.prod)  # the rotated password replicates ...
    assert row["Master_SSL_Allowed"] == "Yes"  # ... over TLS: the user REQUIRE SSL, so no TLS, no login
    assert sql(world.dev, "SELECT ssl_type FROM mysql.user WHERE User='tap_repl'")[0][0] == "ANY"


def test_one_lock_for_tap_db_and_tap_migrate(world: World) -> None:
    other = StateStore(world.ctx.store.db, world.ctx.store.table, "tap-migrate@ops:42", world.ctx.clock, 60)
    other.acquire()
    try:
        with pytest.raises(LockHeld, match=r"tap-migrate@ops:42") as caught:
            cutover(world.ctx)
        assert caught.value.exit_code == 4
    finally:
        other.release()
    _writer_is_dev_only(world)
