"""What operators and the controller read: the alarm topic, the alarms, the SSM parameters,
the secret containers and the migration state table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tap import aws_types as t
from tap.aws_clients import AwsClients
from tap.emulator.registry import SeedContext, builds
from tap.emulator.substitutions import Substitutions
from tap.offline.plan import PlannedResource
from tap.values import integer

if TYPE_CHECKING:
    from types_boto3_dynamodb.type_defs import KeySchemaElementTypeDef


@builds(t.SNS_TOPIC)
def topic(ctx: SeedContext, r: PlannedResource) -> None:
    ctx.sub.add(r.id, ctx.clients.client("sns").create_topic(Name=r.get("name"))["TopicArn"])


def _dimensions(dims: dict[str, Any] | None, s: Substitutions) -> list[dict[str, str]]:
    return [{"Name": k, "Value": s.text(str(v))} for k, v in (dims or {}).items()]


def _metric_query(q: dict[str, Any], s: Substitutions) -> dict[str, Any]:
    out: dict[str, Any] = {"Id": q["id"], "ReturnData": bool(q.get("returnData", False))}
    if q.get("expression"):
        out["Expression"] = q["expression"]
    if q.get("label"):
        out["Label"] = q["label"]
    m = q.get("metric")
    if m is not None:
        out["MetricStat"] = {
            "Metric": {
                "Namespace": m.get("namespace"),
                "MetricName": m.get("metricName"),
                "Dimensions": _dimensions(m.get("dimensions"), s),
            },
            "Period": integer(m.get("period", 60)),
            "Stat": m.get("stat", "Average"),
        }
    return out


def _single_metric(r: PlannedResource, s: Substitutions) -> dict[str, Any]:
    args: dict[str, Any] = {
        "MetricName": r.get("metricName"),
        "Namespace": r.get("namespace"),
        "Period": integer(r.get("period")),
        "Dimensions": _dimensions(r.get("dimensions"), s),
    }
    if r.get("statistic"):
        args["Statistic"] = r.get("statistic")
    if r.get("extendedStatistic"):
        args["ExtendedStatistic"] = r.get("extendedStatistic")
    return args


@builds(t.METRIC_ALARM)
def alarm(ctx: SeedContext, r: PlannedResource) -> None:
    s = ctx.sub
    args: dict[str, Any] = {
        "AlarmName": r.get("name"),
        "AlarmDescription": r.get("alarmDescription") or "",
        "ActionsEnabled": r.get("actionsEnabled") is not False,
        "AlarmActions": [s.text(x) for x in r.get("alarmActions") or []],
        "OKActions": [s.text(x) for x in r.get("okActions") or []],
        "EvaluationPeriods": integer(r.get("evaluationPeriods")),
        "Threshold": float(r.get("threshold")),
        "ComparisonOperator": r.get("comparisonOperator"),
        "TreatMissingData": r.get("treatMissingData") or "missing",
    }
    if r.get("datapointsToAlarm"):
        args["DatapointsToAlarm"] = integer(r.get("datapointsToAlarm"))
    if r.get("metricQueries"):
        args["Metrics"] = [_metric_query(q, s) for q in r.get("metricQueries")]
    else:
        args.update(_single_metric(r, s))
    ctx.clients.client("cloudwatch").put_metric_alarm(**args)


@builds(t.SSM_PARAMETER)
def parameter(ctx: SeedContext, r: PlannedResource) -> None:
    value = r.get("insecureValue") or r.get("value") or ""
    ctx.clients.client("ssm").put_parameter(
        Name=r.get("name"), Value=ctx.sub.text(str(value)), Type=r.get("type") or "String", Overwrite=True
    )


@builds(t.SECRET)
def secret(ctx: SeedContext, r: PlannedResource) -> None:
    """The container only, as the stack declares it: `tap db` sets the value."""
    got = ctx.clients.client("secretsmanager").create_secret(
        Name=r.get("name"), KmsKeyId=ctx.sub.value(r.get("kmsKeyId")), Description=r.get("description") or ""
    )
    ctx.sub.add(r.outputs.get("arn"), got["ARN"])


def create_state_table(clients: AwsClients, name: str) -> str:
    """A bare state table, for tests of the store alone: the key schema the stack declares
    (hash `pk` (S), range `sk` (S), on demand)."""
    clients.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@builds(t.DYNAMODB_TABLE)
def state_table(ctx: SeedContext, r: PlannedResource) -> None:
    keys: list[KeySchemaElementTypeDef] = [{"AttributeName": r.get("hashKey"), "KeyType": "HASH"}]
    if r.get("rangeKey"):
        keys.append({"AttributeName": r.get("rangeKey"), "KeyType": "RANGE"})
    ctx.clients.client("dynamodb").create_table(
        TableName=r.get("name"),
        KeySchema=keys,
        AttributeDefinitions=[
            {"AttributeName": a["name"], "AttributeType": a["type"]} for a in r.get("attributes")
        ],
        BillingMode=r.get("billingMode") or "PAY_PER_REQUEST",
    )
