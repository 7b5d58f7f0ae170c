"""The switch reads the fence filter each replica is running (`Replicate_Ignore_DB`), not only
what a parameter group says (issue 10): without `replicate-ignore-db=mysql` a replica applies
the other side's unlock, and two servers would take payments.

On the real MariaDB pair: prod or dev without the filter is refused before anything changes;
dev losing it during the switch makes the cutover revert before prod is unlocked, under a write
load, with every acknowledged payment on dev."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tap.replication.cutover import cutover
from tap.replication.errors import SwitchRefused, SwitchReverted
from tap.replication.status import status
from tests.replication.conftest import World
from tests.replication.helpers import keys, locked, replica_row, sql, wait_until
from tests.replication.servers import LocalServer

pytestmark = pytest.mark.xdist_group("mariadb")


def _set_filter(server: LocalServer, value: str) -> None:
    """MariaDB changes the filter only while the replica threads are stopped."""
    replicating = bool(replica_row(server))
    sql(
        server,
        *(["STOP SLAVE"] if replicating else []),
        f"SET GLOBAL replicate_ignore_db='{value}'",
        *(["START SLAVE"] if replicating else []),
    )
    if replicating:  # the IO thread logs in again over TLS before the gates may read it
        wait_until(lambda: replica_row(server).get("Slave_IO_Running") == "Yes", 15, "replication to resume")


@pytest.fixture
def filters_restored(world: World) -> Iterator[World]:
    yield world
    for server in (world.dev, world.prod):
        _set_filter(server, "mysql")



def test_prod_replicating_without_the_filter_is_refused_and_nothing_changes(filters_restored: World) -> None:
    world = filters_restored
    _set_filter(world.prod, "payments_archive")
    assert replica_row(world.prod)["Replicate_Ignore_DB"] == "payments_archive"
    with pytest.raises(
        SwitchRefused, match=r"fence-filter: prod's replication ignores payments_archive, not 'mysql'"
    ):
        cutover(world.ctx)
    assert not locked(world.dev) and locked(world.prod)
    assert world.ctx.writer.target() == world.dev.host
    # `tap db status` says so too, and names the fix
    report = status(world.ctx)
    assert report.as_json()["prod"]["replication"]["ignored_schemas"] == ["payments_archive"]
    assert [p for p in report.problems if "replicate-ignore-db" in p] == [
        "prod replicates without replicate-ignore-db=mysql: an unlock on dev would unlock prod too "
        "(set it in prod's parameter group; dynamic)"
    ]
    _set_filter(world.prod, "payments_archive,mysql")
    assert status(world.ctx).problems == ()


def test_dev_without_the_filter_is_refused_before_it_is_fenced(filters_restored: World) -> None:
    """Dev is no replica yet: its own filters (the ones the way back will run with) are read."""
    world = filters_restored
    _set_filter(world.dev, "")
    with pytest.raises(SwitchRefused, match=r"way-back-filter: dev would apply prod's unlock"):
        cutover(world.ctx)
    assert not locked(world.dev) and locked(world.prod)
    assert world.ctx.writer.target() == world.dev.host


def test_dev_losing_the_filter_during_the_switch_reverts_before_prod_is_unlocked(
    filters_restored: World,
) -> None:
    """The filter removed after the gates (a parameter group edited mid-run): the reverse
    replication shows it, and the switch reverts instead of unlocking prod."""
    world = filters_restored
    said: list[str] = []
    prod_unlocked_at: list[str] = []

    def say(line: str) -> None:
        said.append(line)
        if "fence-source" in line:
            _set_filter(world.dev, "")  # dev is not a replica yet: it becomes one at the reverse step
        if not locked(world.prod):
            prod_unlocked_at.append(line)

    ctx = world.fresh_context()
    ctx.progress = say
    load = world.write_load().start()
    try:
        load.wait_for(30)
        with pytest.raises(SwitchReverted, match="does not ignore the `mysql` schema"):
            cutover(ctx)
        acked = len(load.acked)
        load.wait_for(acked + 30)  # dev takes payments again
    finally:
        load.stop()
        ctx.close()
    assert prod_unlocked_at == []  # prod never accepted an app login during the run
    assert any("start-reverse" in line for line in said) and not any(
        "unfence-target" in line for line in said
    )
    assert not locked(world.dev) and locked(world.prod)
    assert world.ctx.writer.target() == world.dev.host
    assert set(load.acked) <= set(keys(world.dev))
