"""The traffic controller's database gate against two real MariaDB servers and moto: it
connects the way `tap db` does (admin secrets from Secrets Manager), passes only after a
cutover, fails on each half-done switch, and fails closed when it cannot look."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tap.migration.database_gate import database_gate
from tap.migration.deployment import Deployment
from tap.migration.verdicts import GateResult, Verdict
from tap.replication.cutover import cutover
from tap.replication.dialects import DialectName
from tap.replication.errors import ReplicationInputError
from tap.replication.gate import DatabaseAccess
from tap.replication.observe import require_binlog
from tap.replication.ops import replicate, set_locked, stop_and_reset
from tests.replication.conftest import FAST, World
from tests.replication.helpers import locked

pytestmark = pytest.mark.xdist_group("mariadb")

PARAMETER = "/tap/test/db/endpoint"
DEV_ID = "payments-dev-mysql"


def _outputs(world: World, **changes: Any) -> dict[str, Any]:
    """The world's outputs plus what the controller reads: the endpoint parameter (holding the
    writer name, as the stack writes it) and dev's instance id for CloudWatch."""
    ssm = world.clients.client("ssm")
    ssm.put_parameter(
        Name=PARAMETER, Value=world.outputs["writer_record_fqdn"], Type="String", Overwrite=True
    )
    return {
        **world.outputs,
        "db_endpoint_parameter_name": PARAMETER,
        "dev_db_instance_identifier": DEV_ID,
        **changes,
    }


def _gate(world: World, outputs: dict[str, Any], access: DatabaseAccess | None) -> GateResult:
    dep, c = Deployment.from_flat(outputs), world.clients
    probe = access.probe(dep, c) if access else None
    now = datetime.now(UTC)
    return database_gate(c.client("ssm"), c.client("cloudwatch"), c.client("route53"), dep, now, probe)


def _access(world: World) -> DatabaseAccess:
    return DatabaseAccess(world.outputs["_dev_admin_secret_arn"], DialectName.LOCAL, FAST.app_accounts)


def _dev_connections(world: World, count: float) -> None:
    """What RDS would publish for dev: the admin sessions of `tap db` and of the gate count."""
    world.clients.client("cloudwatch").put_metric_data(
        Namespace="AWS/RDS",
        MetricData=[
            {
                "MetricName": "DatabaseConnections",
                "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": DEV_ID}],
                "Timestamp": datetime.now(UTC) - timedelta(seconds=30),
                "Value": count,
            }
        ],
    )


def test_passes_only_after_a_cutover_and_fails_on_each_half_done_switch(world: World) -> None:
    outputs, access = _outputs(world), _access(world)
    before = _gate(world, outputs, access)
    assert before.verdict == Verdict.FAIL and "tap db cutover" in before.detail  # writer names dev

    cutover(world.ctx)
    _dev_connections(world, 2)  # CloudWatch is not zero after a cutover: it must not decide
    after = _gate(world, outputs, access)
    assert after.verdict == Verdict.PASS, after.detail
    assert after.values["dev_connections_cloudwatch"] == [2.0]
    assert after.values["writer"] == world.prod.host and after.values["dev_app_sessions"] == 0

    set_locked(world.ctx.dev, FAST.accounts, False)  # someone unlocks dev by hand
    try:
        unfenced = _gate(world, outputs, access)
        assert unfenced.verdict == Verdict.FAIL and "dev is not fenced" in unfenced.detail
        assert unfenced.values["dev_unlocked_app_accounts"] == ["app@%"]
    finally:
        set_locked(world.ctx.dev, FAST.accounts, True)

    # prod pointed back at dev (a reseed or a sync run by mistake): dev's writes would land on it
    replicate(
        world.ctx.prod, world.ctx.dev.endpoint, world.ctx.secret.read(), require_binlog(world.ctx.dev), True
    )
    try:
        replicating = _gate(world, outputs, access)
        assert replicating.verdict == Verdict.FAIL and "prod still replicates from dev" in replicating.detail
    finally:
        stop_and_reset(world.ctx.prod)
    assert _gate(world, outputs, access).verdict == Verdict.PASS
    assert locked(world.dev) and not locked(world.prod)


def test_fails_closed_when_it_cannot_observe_the_databases(world: World) -> None:
    world.ctx.writer.point_at(world.prod.host, "test: the record alone says prod")
    outputs = _outputs(world)
    no_access = _gate(world, outputs, None)
    assert no_access.verdict == Verdict.FAIL and "--dev-admin-secret-arn" in no_access.detail

    closed = _gate(world, _outputs(world, dev_db_port="1"), _access(world))
    assert closed.verdict == Verdict.INCONCLUSIVE
    assert "cannot observe the databases" in closed.detail and "cannot connect to dev" in closed.detail

    gone = DatabaseAccess("arn:aws:secretsmanager:us-east-1:123456789012:secret:none", DialectName.LOCAL)
    unreadable = _gate(world, outputs, gone)
    assert unreadable.verdict == Verdict.INCONCLUSIVE and "dev admin secret" in unreadable.detail

    no_prod_secret = _gate(world, _outputs(world, db_master_user_secret_arn=""), _access(world))
    assert no_prod_secret.verdict == Verdict.FAIL and "db_master_user_secret_arn" in no_prod_secret.detail


def test_bad_app_accounts_are_refused_naming_the_option() -> None:
    with pytest.raises(ReplicationInputError, match="--app-account: app account 'app' must be user@host"):
        DatabaseAccess("arn", DialectName.LOCAL, ("app",))
