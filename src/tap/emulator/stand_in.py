"""A seeded deployment as the controller tests and `tap rehearse` drive it: its flat outputs,
what "pulumi up" does to the things the controller watches (`deploy_phase`), traffic
(`feed_metrics`) and alarms (`set_alarm`). Built by seed.build_stand_in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tap.aws_clients import AwsClients
from tap.components.migration_state import phase_document
from tap.migration.clock import ManualClock
from tap.phase_plan import plan_for
from tap.phases import Phase
from tap.settings import Settings

if TYPE_CHECKING:
    from types_boto3_cloudwatch.type_defs import DimensionTypeDef, MetricDatumTypeDef
    from types_boto3_route53.client import Route53Client
    from types_boto3_route53.type_defs import ChangeTypeDef, ResourceRecordSetOutputTypeDef


@dataclass
class StandIn:
    clients: AwsClients
    outputs: dict[str, str]
    settings: Settings
    clock: ManualClock
    pulumi_calls: list[tuple[str, Any]] = field(default_factory=list)
    dev_rrset: ResourceRecordSetOutputTypeDef | None = None
    """The dev record as created, so an update to an earlier phase can recreate it."""

    @property
    def route53(self) -> Route53Client:
        return self.clients.client("route53")

    @property
    def dev_id(self) -> str:
        return self.outputs["dev_record_set_identifier"]

    @property
    def green_id(self) -> str:
        return self.outputs["green_record_set_identifier"]

    @property
    def alarms(self) -> list[str]:
        """Every alarm the controller watches, as the stack exports them."""
        return list(json.loads(self.outputs["alarm_names"]))

    def weights(self) -> dict[str, int | None]:
        sets = self.route53.list_resource_record_sets(HostedZoneId=self.outputs["hosted_zone_id"])
        found: dict[str, int | None] = {"blue": None, "green": None}
        for s in sets["ResourceRecordSets"]:
            if s.get("SetIdentifier") == self.dev_id:
                found["blue"] = s["Weight"]
            if s.get("SetIdentifier") == self.green_id:
                found["green"] = s["Weight"]
        return found

    def deployed_phase(self) -> str:
        value = self.clients.client("ssm").get_parameter(Name=self.outputs["migration_phase_parameter_name"])
        return str(json.loads(value["Parameter"]["Value"])["phase"])

    def alarm_name(self, kind: str) -> str:
        """One of the green alarms the bake watches by kind (`green_5xx`, `green_p99`,
        `unhealthy_hosts`), by the name the stack exports it under (`alarm_<kind>_name`)."""
        return self.outputs[f"alarm_{kind}_name"]

    def set_alarm(self, kind: str, state: Literal["ALARM", "INSUFFICIENT_DATA", "OK"]) -> None:
        self.clients.client("cloudwatch").set_alarm_state(
            AlarmName=self.alarm_name(kind), StateValue=state, StateReason="injected"
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
        changes: list[ChangeTypeDef] = []
        dev_id = self.dev_id
        if dev_id not in sets and plan.dev_record and self.dev_rrset is not None:
            sets[dev_id] = self.dev_rrset
        for ident, weight in ((dev_id, plan.weights.blue), (self.green_id, plan.weights.green)):
            if ident not in sets:
                continue
            rrset = sets[ident].copy()
            if ident == dev_id and not plan.dev_record:
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
                "Dimensions": [
                    {"Name": "DBInstanceIdentifier", "Value": self.outputs["dev_db_instance_identifier"]}
                ],
                "Timestamp": self.clock.start + timedelta(minutes=m, seconds=30),
                "Value": dev_connections,
            }
            for m in range(start_minute, minutes)
        ]
        cw.put_metric_data(Namespace="AWS/RDS", MetricData=rds)
