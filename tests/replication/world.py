"""The AWS side of the local data switch, in moto: the state table, the private zone with its
`writer` record, the admin secrets and the replication secret container; the flat outputs the
data-stack exports (built here by their agreed names); and a reset of the two local servers to
"prod replicates from dev, dev is the writer"."""

from __future__ import annotations

import json
from typing import Any

from tap.aws_clients import AwsClients
from tap.emulator.seed import create_state_table
from tap.migration.clock import SystemClock
from tap.migration.deployment import Deployment
from tap.replication.config import SwitchSettings
from tap.replication.context import DbContext, build_context
from tap.replication.dialects import DialectName
from tap.replication.position import Position
from tap.replication.sync import sync
from tests.replication.helpers import replica_row, sql, wait_until
from tests.replication.servers import ADMIN_PASSWORD, ADMIN_USER, LocalServer

TABLE = "tap-migration-state"
ZONE_NAME = "db.tap.internal"
WRITER = f"writer.{ZONE_NAME}"


def create_account(clients: AwsClients, dev_host: str) -> dict[str, Any]:
    """The AWS side: the state table, dev's VPC, the private zone with its `writer` record
    naming `dev_host`, the admin secrets and the replication secret container; the outputs
    that name them. Needs no running server (the session fixture makes it while the MariaDB
    pair starts: moto's first EC2 call alone loads its EC2 backend, 1.5-3 s)."""
    create_state_table(clients, TABLE)
    vpc = clients.client("ec2").create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    r53 = clients.client("route53")
    zone = r53.create_hosted_zone(
        Name=ZONE_NAME,
        CallerReference="tap-test",
        HostedZoneConfig={"PrivateZone": True, "Comment": "writer"},
        VPC={"VPCRegion": "us-east-1", "VPCId": vpc},
    )["HostedZone"]["Id"].rsplit("/", 1)[-1]
    r53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": WRITER,
                        "Type": "CNAME",
                        "TTL": 5,
                        "ResourceRecords": [{"Value": dev_host}],
                    },
                }
            ]
        },
    )
    sm = clients.client("secretsmanager")
    admin = json.dumps({"username": ADMIN_USER, "password": ADMIN_PASSWORD})
    dev_arn = sm.create_secret(Name="dev-db-admin", SecretString=admin)["ARN"]
    prod_arn = sm.create_secret(Name="rds!db-prod-master", SecretString=admin)["ARN"]
    repl_arn = sm.create_secret(Name="tap-replication")["ARN"]  # a container: tap db sync sets it
    return {
        "migration_state_table_name": TABLE,
        "dev_db_address": dev_host,
        "db_master_user_secret_arn": prod_arn,
        "writer_zone_id": f"/hostedzone/{zone}",
        "writer_zone_name": ZONE_NAME,
        "writer_record_fqdn": WRITER,
        "replication_secret_arn": repl_arn,
        "seed_replica_identifier": "null",
        "dev_vpc_id": vpc,
        "_dev_admin_secret_arn": dev_arn,  # not a stack output: dev's admin secret is a setting
    }


def create_aws(
    clients: AwsClients, dev: LocalServer, prod: LocalServer, account: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Returns the flat outputs (as `pulumi stack output --json` would hold them); `account` is
    `create_account`'s, made here when not given."""
    account = account or create_account(clients, dev.host)
    assert account["dev_db_address"] == dev.host, "the writer record names another dev"
    return {
        **account,
        "dev_db_port": str(dev.port),
        "db_instance_address": prod.host,
        "db_instance_port": str(prod.port),
    }


def context(
    clients: AwsClients, outputs: dict[str, Any], settings: SwitchSettings, owner: str = "test"
) -> DbContext:
    return build_context(
        Deployment.from_flat(outputs),
        clients,
        settings,
        SystemClock(),
        owner=owner,
        dialect=DialectName.LOCAL,
        dev_admin_secret_arn=outputs["_dev_admin_secret_arn"],
    )


def reset_topology(dev: LocalServer, prod: LocalServer, ctx: DbContext) -> None:
    """Empty payments, dev unlocked, prod locked and replicating from dev from dev's binlog
    position after the reset. The reset itself is not binlogged (`sql_log_bin=0`), so nothing
    from an earlier test replays; `RESET MASTER` is not used: on MariaDB it takes ~0.7 s per
    server (a binlog checkpoint wait), a third of every test's setup."""
    for s in (dev, prod):
        conn = s.root()
        with conn.cursor() as cur:
            cur.execute("STOP SLAVE")
            cur.execute("RESET SLAVE ALL")
            cur.execute("SET sql_log_bin=0")
            cur.execute("TRUNCATE payments.payments")
            cur.execute("DELETE FROM tap_meta.switch_probe") if _has_probe(cur) else None
            cur.execute("ALTER USER 'app'@'%' ACCOUNT " + ("UNLOCK" if s.name == "dev" else "LOCK"))
        conn.close()
    file, position = sql(dev, "SHOW MASTER STATUS")[0][:2]
    start = Position.of(str(file), int(position))
    ctx.writer.point_at(dev.host, "test reset")
    sync(ctx, start)
    wait_until(lambda: _running(prod), 15, "prod's IO and SQL threads (TLS login) to run")


def _running(server: LocalServer) -> bool:
    row = replica_row(server)
    return row.get("Slave_IO_Running") == "Yes" and row.get("Slave_SQL_Running") == "Yes"


def _has_probe(cur: Any) -> bool:
    cur.execute(
        "SELECT COUNT(*) FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA='tap_meta' AND TABLE_NAME='switch_probe'"
    )
    return bool(cur.fetchone()[0])
