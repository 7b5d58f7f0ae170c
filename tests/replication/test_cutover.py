"""The data switch against two real MariaDB servers, under a payment write load."""

from __future__ import annotations

import pytest

from tap.replication.cutover import cutover
from tap.replication.fallback import fallback
from tap.replication.journal import Ending
from tests.replication.conftest import World
from tests.replication.helpers import keys
from tests.replication.load import Heartbeat, WriteLoad, WriterSampler, resolve

# One worker holds the MariaDB pair: these tests share it (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("mariadb")


def test_cutover_under_load_moves_every_acknowledged_payment_once_and_never_two_writers(world: World) -> None:
    zone = world.outputs["writer_zone_id"].rsplit("/", 1)[-1]
    r53 = world.clients.client("route53")
    hb = Heartbeat([world.dev.root(), world.prod.root()]).start()
    sampler = WriterSampler((world.dev.host, world.prod.host), world.dev.port).start()
    load = WriteLoad(r53, zone, world.outputs["writer_record_fqdn"], world.dev.port).start()
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
    load2 = WriteLoad(r53, zone, world.outputs["writer_record_fqdn"], world.dev.port).start()
    load2.wait_for(100)
    back = fallback(world.ctx)
    load2.wait_for(len(load2.acked) + 50)
    load2.stop()
    assert back.ending == Ending.DONE
    assert resolve(r53, zone, world.outputs["writer_record_fqdn"]) == world.dev.host
    on_dev = keys(world.dev)
    assert (set(load.acked) | set(load2.acked)) <= set(on_dev)
    assert all(c == 1 for c in on_dev.values())
