"""The data switch against two real MariaDB servers, under a payment write load."""

from __future__ import annotations

import pytest

from tap.replication.cutover import cutover
from tap.replication.errors import SwitchRefused
from tap.replication.failover import identity_change
from tap.replication.fallback import fallback
from tap.replication.gate import data_switch_gate
from tap.replication.journal import Ending
from tap.replication.observe import Identity
from tap.replication.ops import set_locked
from tap.replication.seed import seed
from tap.replication.sync import sync
from tests.replication.conftest import FAST, World
from tests.replication.helpers import caught_up, keys, locked, replica_row, sql, wait_until
from tests.replication.load import Heartbeat, WriterSampler, resolve

# One worker holds the MariaDB pair: these tests share it (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("mariadb")


def test_cutover_under_load_moves_every_acknowledged_payment_once_and_never_two_writers(world: World) -> None:
    zone = world.outputs["writer_zone_id"].rsplit("/", 1)[-1]
    r53 = world.clients.client("route53")
    hb = Heartbeat([world.dev.root(), world.prod.root()]).start()
    sampler = WriterSampler((world.dev.host, world.prod.host), world.dev.port).start()
    load = world.write_load().start()
    load.wait_for(100)
    report = cutover(world.ctx)
    n = len(load.acked)
    load.wait_for(n + 100)
    load.stop()
    sampler.stop()
    hb.stop()
    assert report.ending == Ending.DONE
    assert resolve(r53, zone, world.outputs["writer_record_fqdn"]) == world.prod.host
    on_prod = keys(world.prod)
    assert set(load.acked) <= set(on_prod), "an acknowledged payment is missing on the new writer"
    assert all(c == 1 for c in on_prod.values())
    assert sampler.samples > 10 and not sampler.both
    # and back: fallback returns the writer to dev with nothing lost
    load2 = world.write_load().start()
    load2.wait_for(100)
    back = fallback(world.ctx)
    load2.wait_for(len(load2.acked) + 50)
    load2.stop()
    assert back.ending == Ending.DONE
    assert resolve(r53, zone, world.outputs["writer_record_fqdn"]) == world.dev.host
    on_dev = keys(world.dev)
    assert (set(load.acked) | set(load2.acked)) <= set(on_dev)
    assert all(c == 1 for c in on_dev.values())


def test_traffic_gate_passes_only_once_the_writer_is_prod_and_dev_is_fenced(world: World) -> None:
    before = data_switch_gate(world.ctx.writer, world.ctx.dev, world.ctx.prod, FAST.accounts)
    assert not before.passed and "not prod" in before.detail
    cutover(world.ctx)
    after = data_switch_gate(world.ctx.writer, world.ctx.dev, world.ctx.prod, FAST.accounts)
    assert after.passed, after.detail
    with pytest.raises(SwitchRefused, match="prepares prod before the cutover and would fence it"):
        sync(world.ctx)  # after the switch, sync would lock the writer: refused
    assert not locked(world.prod)
    set_locked(world.ctx.dev, FAST.accounts, False)  # someone unlocks dev by hand
    try:
        assert (
            "dev is not fenced"
            in data_switch_gate(world.ctx.writer, world.ctx.dev, world.ctx.prod, FAST.accounts).detail
        )
    finally:
        set_locked(world.ctx.dev, FAST.accounts, True)


def test_seed_records_coordinates_and_sync_starts_from_them(world: World) -> None:
    sql(
        world.dev,
        *[f"INSERT INTO payments.payments (idem_key, amount_cents) VALUES ('s{i}', {i})" for i in range(5)],
    )
    wait_until(lambda: caught_up(world.prod, world.dev), 10, "prod caught up")
    # prod plays the seed replica here: a replica of dev whose replication tap db seed stops
    report = seed(world.ctx.prod, world.ctx.dev.endpoint, world.ctx.journal, world.ctx.clock)
    row = replica_row(world.prod)
    assert row["Slave_SQL_Running"] == "No"
    assert (report.coordinates.file, report.coordinates.offset) == (
        row["Relay_Master_Log_File"],
        row["Exec_Master_Log_Pos"],
    )
    assert report.commands == (
        f"pulumi config set tap:seedBinlogFile {report.coordinates.file}",
        f"pulumi config set tap:seedBinlogPosition {report.coordinates.offset}",
    )
    sql(world.dev, "INSERT INTO payments.payments (idem_key, amount_cents) VALUES ('after-seed', 1)")
    sync(world.ctx)  # from the recorded coordinates
    wait_until(lambda: caught_up(world.prod, world.dev), 10, "prod caught up from the seed coordinates")
    assert keys(world.prod) == keys(world.dev)


def test_a_server_restart_is_seen_as_a_failover() -> None:
    assert identity_change("prod", [2, 500], Identity(2, 510)) == ""
    assert "restarted" in identity_change("prod", [2, 500], Identity(2, 3))
    assert "server_id changed" in identity_change("prod", [2, 500], Identity(7, 900))
