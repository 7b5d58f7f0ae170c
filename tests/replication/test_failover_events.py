"""RDS's view of a failover, through boto3 against moto: an instance that is not `available`
aborts the switch; events outside the failover categories do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tap.aws_clients import AwsClients
from tap.replication.failover import rds_events


def test_rds_status_and_events_abort_only_on_failover_like_signals(moto_clients: AwsClients) -> None:
    rds = moto_clients.client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="dev-db",
        Engine="mysql",
        DBInstanceClass="db.t3.micro",
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        AllocatedStorage=20,
    )
    since = datetime.now(UTC) - timedelta(minutes=5)
    assert rds_events(rds, {"dev": "dev-db"}, since) == ""  # "DB instance created" is not a failover
    rds.stop_db_instance(DBInstanceIdentifier="dev-db")
    assert "is 'stopped'; switch aborted" in rds_events(rds, {"dev": "dev-db"}, since)
    assert "cannot read RDS events" in rds_events(rds, {"prod": "no-such-db"}, since)
