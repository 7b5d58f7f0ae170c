"""The one seeder that builds a deployment in the AWS API emulator: through boto3, on a moto
server, the resources the migration controller reads and writes, under the output names the
stack exports. `tap rehearse` and the controller tests (tests/migration) both use it.

It is a stand-in, not the stack: names follow the example settings (suffix pay01), and "pulumi
up" is stood in for by `StandIn.deploy_phase`, which sets what an update sets for the controller
(the phase parameter and the two weighted records).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tap.aws_clients import AwsClients
from tap.components.migration_state import phase_document
from tap.migration.clock import ManualClock
from tap.phases import Phase, plan_for
from tap.settings import Settings

if TYPE_CHECKING:
    from types_boto3_cloudwatch.type_defs import DimensionTypeDef, MetricDatumTypeDef

ZONE = "payments.example.com"
FQDN = f"app.{ZONE}"
DEV_ID, GREEN_ID = "blue-development", "green-production"
DEV_ALB_DNS = "payments-dev-alb-1234567890.us-east-1.elb.amazonaws.com"
PROD_DB = "prod-db-pay01.abcdefghij.us-east-1.rds.amazonaws.com"
WRITER_ZONE = "db.pay01.internal"
WRITER_FQDN = f"writer.{WRITER_ZONE}"
DEV_DB = "payments-dev-mysql"
# One of the images moto ships (listing them costs a second per test).
MOTO_AMI = "ami-12c6146b"
ALARMS = ("prod-green-5xx-pay01", "prod-green-p99-pay01", "prod-green-unhealthy-pay01")


@dataclass
class StandIn:
    clients: AwsClients
    outputs: dict[str, str]
    settings: Settings
    clock: ManualClock
    pulumi_calls: list[tuple[str, Any]] = field(default_factory=list)
    dev_rrset: Mapping[str, Any] = field(default_factory=dict)
    """The dev record as created, so an update to an earlier phase can recreate it."""

    @property
    def route53(self) -> Any:
        return self.clients.client("route53")

    def weights(self) -> dict[str, int | None]:
        sets = self.route53.list_resource_record_sets(HostedZoneId=self.outputs["hosted_zone_id"])
        found: dict[str, int | None] = {"blue": None, "green": None}
        for s in sets["ResourceRecordSets"]:
            if s.get("SetIdentifier") == DEV_ID:
                found["blue"] = s["Weight"]
            if s.get("SetIdentifier") == GREEN_ID:
                found["green"] = s["Weight"]
        return found

    def deployed_phase(self) -> str:
        value = self.clients.client("ssm").get_parameter(Name=self.outputs["migration_phase_parameter_name"])
        return str(json.loads(value["Parameter"]["Value"])["phase"])

    def set_alarm(self, index: int, state: Literal["OK", "ALARM", "INSUFFICIENT_DATA"]) -> None:
        self.clients.client("cloudwatch").set_alarm_state(
            AlarmName=ALARMS[index], StateValue=state, StateReason="test"
        )

    def write_outputs(self, folder: Path) -> Path:
        path = folder / "flat-outputs.json"
        path.write_text(json.dumps(self.outputs))
        return path

    # -- what `pulumi up` does to the things the controller watches -------------------------
    def deploy_phase(self, phase: Phase) -> None:
        """The stack's effect of one update: the phase parameter and the two weights (the dev
        record disappears when the phase has none)."""
        plan = plan_for(phase, self.settings.fleet_sizes)
        self.clients.client("ssm").put_parameter(
            Name=self.outputs["migration_phase_parameter_name"],
            Value=phase_document(plan),
            Type="String",
            Overwrite=True,
        )
        sets = {
            s.get("SetIdentifier"): s
            for s in self.route53.list_resource_record_sets(HostedZoneId=self.outputs["hosted_zone_id"])[
                "ResourceRecordSets"
            ]
        }
        changes = []
        if DEV_ID not in sets and plan.dev_record:
            sets[DEV_ID] = self.dev_rrset
        for ident, weight in ((DEV_ID, plan.weights.blue), (GREEN_ID, plan.weights.green)):
            if ident not in sets:
                continue
            rrset = dict(sets[ident])
            if ident == DEV_ID and not plan.dev_record:
                changes.append({"Action": "DELETE", "ResourceRecordSet": rrset})
                continue
            rrset["Weight"] = weight
            changes.append({"Action": "UPSERT", "ResourceRecordSet": rrset})
        self.route53.change_resource_record_sets(
            HostedZoneId=self.outputs["hosted_zone_id"], ChangeBatch={"Changes": changes}
        )

    # -- metrics ------------------------------------------------------------------------------
    def feed_metrics(
        self,
        minutes: int,
        *,
        start_minute: int = -10,
        requests: float = 1000,
        errors: float = 0,
        latency: float = 0.2,
        unhealthy: float = 0,
        dev_connections: float = 0,
        alb: bool = True,
    ) -> None:
        """One datapoint per minute for the green target group and the dev database, from
        `start_minute` to `minutes` after the clock's start (put ahead of time: moto accepts it)."""
        cw = self.clients.client("cloudwatch")
        dims: list[DimensionTypeDef] = [
            {"Name": "TargetGroup", "Value": self.outputs["target_group_green_arn_suffix"]},
            {"Name": "LoadBalancer", "Value": self.outputs["alb_arn_suffix"]},
        ]
        data: list[MetricDatumTypeDef] = []
        for m in range(start_minute, minutes if alb else start_minute):
            t = self.clock.start + timedelta(minutes=m, seconds=30)
            data += [
                {"MetricName": "RequestCount", "Dimensions": dims, "Timestamp": t, "Value": requests},
                {"MetricName": "TargetResponseTime", "Dimensions": dims, "Timestamp": t, "Value": latency},
                {"MetricName": "UnHealthyHostCount", "Dimensions": dims, "Timestamp": t, "Value": unhealthy},
            ]
            if errors:
                data.append(
                    {
                        "MetricName": "HTTPCode_Target_5XX_Count",
                        "Dimensions": dims,
                        "Timestamp": t,
                        "Value": errors,
                    }
                )
        for i in range(0, len(data), 500):
            cw.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=data[i : i + 500])
        rds: list[MetricDatumTypeDef] = [
            {
                "MetricName": "DatabaseConnections",
                "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": DEV_DB}],
                "Timestamp": self.clock.start + timedelta(minutes=m, seconds=30),
                "Value": dev_connections,
            }
            for m in range(start_minute, minutes)
        ]
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=rds)
