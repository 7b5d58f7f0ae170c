"""The database gate, before every step that sends green traffic while dev still routes: one
writer, and it is prod.

It passes only when all of these hold, each read now:
1. the SSM endpoint parameter both fleets read holds the writer name (so they follow a switch);
2. the writer record in the private zone names prod's address (`tap db cutover` moved it);
3. read on the servers themselves (`tap.replication.gate`): dev is fenced (no app account
   unlocked, no app session), prod no longer replicates from dev, prod accepts app writes.

When the servers cannot be observed (no admin secret given, a server unreachable, a secret
unreadable) the gate fails closed: FAIL for missing input, INCONCLUSIVE (which pauses) for an
observation that did not come back. Never a pass.

CloudWatch's `DatabaseConnections` of dev is read as corroboration only and never decides: it
counts every client network connection, including the admin sessions of `tap db` and of this
very gate and a fleet's refused login attempts, so "zero for five minutes" cannot hold right
after a cutover; it excludes RDS's own (rdsadmin) sessions and dev's outbound reverse
replication to prod (counted on prod). The account locks and the processlist are the proof.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tap.migration.analysis import METRIC_PERIOD_SECONDS, metric_values
from tap.migration.deployment import Deployment
from tap.migration.errors import MigrationError, MigrationInputError
from tap.migration.switch_judgement import SwitchProbe, judge_switch
from tap.migration.verdicts import GateResult, Verdict

if TYPE_CHECKING:
    from types_boto3_cloudwatch.client import CloudWatchClient
    from types_boto3_cloudwatch.type_defs import MetricDataQueryTypeDef
    from types_boto3_route53.client import Route53Client
    from types_boto3_ssm.client import SSMClient

NAME = "database"
RDS_NAMESPACE = "AWS/RDS"
# How far back the corroborating CloudWatch read looks at dev's connections.
DEV_DB_WINDOW_SECONDS = 300
NO_ACCESS = (
    "cannot observe the databases: pass --dev-admin-secret-arn (or TAP_DEV_DB_ADMIN_SECRET_ARN), "
    "and --dialect as for `tap db`, so that the gate can see dev fenced and prod's replication"
)


def writer_target(route53: Route53Client, zone_id: str, fqdn: str) -> str | None:
    """What the writer record names now (the address every fleet's writes go to)."""
    name = fqdn.rstrip(".") + "."
    page = route53.list_resource_record_sets(
        HostedZoneId=zone_id, StartRecordName=name, StartRecordType="CNAME", MaxItems="1"
    )
    for rrset in page.get("ResourceRecordSets", []):
        if rrset["Name"] == name and rrset["Type"] == "CNAME" and rrset.get("ResourceRecords"):
            return str(rrset["ResourceRecords"][0]["Value"]).rstrip(".")
    return None


def _routing(ssm: SSMClient, route53: Route53Client, dep: Deployment) -> GateResult | dict[str, Any]:
    """Steps 1 and 2: a FAIL, or the values read."""
    named = {
        "db_endpoint_parameter_name": dep.db_endpoint_parameter,
        "db_instance_address": dep.db_instance_address,
        "writer_zone_id": dep.writer_zone_id,
        "writer_record_fqdn": dep.writer_record_fqdn,
    }
    missing = [k for k, v in named.items() if not v]
    if missing:
        return GateResult(NAME, Verdict.FAIL, "outputs lack " + ", ".join(missing))
    param, writer = str(dep.db_endpoint_parameter), str(dep.writer_record_fqdn)
    value = ssm.get_parameter(Name=param)["Parameter"]["Value"]
    if value != writer:
        return GateResult(
            NAME,
            Verdict.FAIL,
            f"{param} = {value!r}, not the writer name {writer!r}: the fleets would not follow the switch",
            {"endpoint": value},
        )
    target = writer_target(route53, str(dep.writer_zone_id), writer)
    values = {"endpoint": value, "writer": target}
    if target != dep.db_instance_address:
        return GateResult(
            NAME,
            Verdict.FAIL,
            f"the writer record {writer} names {target!r}, not the production database "
            f"{dep.db_instance_address!r}: run `tap db cutover` first",
            values,
        )
    return values


def dev_connections(cloudwatch: CloudWatchClient, dev_id: str | None, now: datetime) -> list[float] | None:
    """dev's DatabaseConnections (Maximum per minute) over the window; None without an id."""
    if not dev_id:
        return None
    query: MetricDataQueryTypeDef = {
        "Id": "conns",
        "MetricStat": {
            "Metric": {
                "Namespace": RDS_NAMESPACE,
                "MetricName": "DatabaseConnections",
                "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": dev_id}],
            },
            "Period": METRIC_PERIOD_SECONDS,
            "Stat": "Maximum",
        },
    }
    start = now - timedelta(seconds=DEV_DB_WINDOW_SECONDS)
    return metric_values(cloudwatch, [query], start, now)["conns"]


def database_gate(
    ssm: SSMClient,
    cloudwatch: CloudWatchClient,
    route53: Route53Client,
    dep: Deployment,
    now: datetime,
    probe: SwitchProbe | None,
) -> GateResult:
    routed = _routing(ssm, route53, dep)
    if isinstance(routed, GateResult):
        return routed
    if probe is None:
        return GateResult(NAME, Verdict.FAIL, NO_ACCESS, routed)
    try:
        observed = probe()
    except MigrationInputError as exc:
        return GateResult(NAME, Verdict.FAIL, f"cannot observe the databases: {exc}", routed)
    except MigrationError as exc:
        return GateResult(NAME, Verdict.INCONCLUSIVE, f"cannot observe the databases: {exc}", routed)
    switch = judge_switch(routed["writer"], str(dep.db_instance_address), observed)
    conns = dev_connections(cloudwatch, dep.dev_db_instance_identifier, now)
    values = {**routed, **switch.values, "dev_connections_cloudwatch": conns}
    if not switch.passed:
        return GateResult(NAME, switch.verdict, switch.detail, values)
    seen = (
        "no CloudWatch data"
        if not conns
        else f"CloudWatch max {max(conns):.0f} connection(s), admin included"
    )
    return GateResult(
        NAME,
        Verdict.PASS,
        f"fleets on the writer name; {switch.detail}; dev over the last {DEV_DB_WINDOW_SECONDS} s: {seen}",
        values,
    )
