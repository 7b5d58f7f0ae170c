"""The checks of a deployed stack that `tap verify --live` does not make, written once and run
twice: against a real deployment (test_live_deployment.py) and against moto server
(test_moto_deployment.py). The network layout and the database's isolation are `tap verify
--live`'s (tap.live: the rules and the reachability matrix), and the suites run it.

Why these stay test assertions: they compare a deployment with the settings file it was built
from and the phase it is in (alarm thresholds and periods, the weights of the phase, the
replication rule, the SSM documents the fleets read) or probe it at run time (healthy targets,
IAM simulation, TestDNSAnswer): acceptance checks of one deployment, where `tap verify --live`
judges the house rules that hold for every stack from its outputs alone.

Each check takes a `Deployment` — boto3 clients, the flat outputs, the stack's settings — calls
the AWS APIs and raises AssertionError listing every problem it found. Each declares the
outputs it needs, so a suite can skip it with a precise reason when the deployment lacks them,
and says what moto cannot emulate, so the moto suite can be honest about what it proves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tap.aws_clients import AwsClients, Service
from tap.settings import Settings
from tests.integration.flat_outputs import FlatOutputs


@dataclass(frozen=True)
class Deployment:
    clients: AwsClients
    outputs: FlatOutputs
    settings: Settings

    def client(self, service: Service, region: str | None = None) -> Any:
        return self.clients.client(service, region)


@dataclass(frozen=True)
class Check:
    name: str
    fn: Callable[[Deployment], None]
    needs: tuple[str, ...]
    emulator_gap: str | None
    """Why moto cannot run this check at all (None: it can)."""
    emulator_caveat: str
    """What a pass under moto does not prove."""

    def __call__(self, d: Deployment) -> None:
        self.fn(d)


CHECKS: list[Check] = []


class NotApplicable(Exception):
    """The deployed phase has nothing for this check to look at (e.g. no green instances
    before `blue-green`); the suites report it as a skip with this message."""


def check(
    *needs: str, emulator_gap: str | None = None, emulator_caveat: str = ""
) -> Callable[[Callable[[Deployment], None]], Callable[[Deployment], None]]:
    def register(fn: Callable[[Deployment], None]) -> Callable[[Deployment], None]:
        CHECKS.append(Check(fn.__name__, fn, needs, emulator_gap, emulator_caveat))
        return fn

    return register


def _fail_if(problems: list[str], what: str) -> None:
    if problems:
        raise AssertionError(f"{what}:\n  - " + "\n  - ".join(problems))


def _alias(name: str) -> str:
    return name.rstrip(".").lower().removeprefix("dualstack.")


# ---------------------------------------------------------------------------------------------
# R7 load balancer -> healthy targets
# ---------------------------------------------------------------------------------------------
@check(
    "target_group_green_arn",
    "green_asg_name",
    "https_listener_arn",
    emulator_caveat="moto reports registered instances as healthy without requesting /health: "
    "this proves the wiring (listener -> target group -> ASG instances), not the app's health.",
)
def check_r7_alb_targets_are_healthy_on_health_path(d: Deployment) -> None:
    o = d.outputs
    elb = d.client("elbv2")
    problems: list[str] = []
    (tg,) = elb.describe_target_groups(TargetGroupArns=[o.text("target_group_green_arn")])["TargetGroups"]
    if (tg.get("HealthCheckPath"), tg.get("Port"), tg.get("Protocol")) != ("/health", 8080, "HTTP"):
        problems.append(
            f"target group checks {tg.get('Protocol')} {tg.get('Port')} {tg.get('HealthCheckPath')}, "
            "expected HTTP 8080 /health"
        )
    (listener,) = elb.describe_listeners(ListenerArns=[o.text("https_listener_arn")])["Listeners"]
    if (listener["Port"], listener["Protocol"]) != (443, "HTTPS"):
        problems.append(f"listener is {listener['Protocol']} {listener['Port']}, expected HTTPS 443")
    forwarded = {
        t["TargetGroupArn"]
        for a in listener["DefaultActions"]
        for t in (a.get("ForwardConfig") or {}).get("TargetGroups", [])
    } | {a["TargetGroupArn"] for a in listener["DefaultActions"] if a.get("TargetGroupArn")}
    if o.text("target_group_green_arn") not in forwarded:
        problems.append("the HTTPS listener does not forward to the green target group")
    (asg,) = d.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[o.text("green_asg_name")]
    )["AutoScalingGroups"]
    health = elb.describe_target_health(TargetGroupArn=o.text("target_group_green_arn"))[
        "TargetHealthDescriptions"
    ]
    healthy = [h for h in health if h["TargetHealth"]["State"] == "healthy"]
    if len(healthy) < asg["DesiredCapacity"] or not healthy:
        states = sorted(h["TargetHealth"]["State"] for h in health)
        problems.append(f"{len(healthy)} healthy targets {states}, desired capacity {asg['DesiredCapacity']}")
    instances = {i["InstanceId"] for i in asg["Instances"]}
    strangers = {h["Target"]["Id"] for h in health} - instances
    if strangers:
        problems.append(f"targets not in the green ASG: {sorted(strangers)}")
    _fail_if(problems, "green target group")


# ---------------------------------------------------------------------------------------------
# R4 IAM least privilege
# ---------------------------------------------------------------------------------------------
def _statements(doc: Any) -> list[dict[str, Any]]:
    if isinstance(doc, str):
        doc = json.loads(doc)
    stmts = doc.get("Statement", [])
    return [stmts] if isinstance(stmts, dict) else list(stmts)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


@check(
    "ec2_role_name",
    "log_bucket_arn",
    emulator_caveat="a read-back of the role's inline policies; the policy evaluation itself is "
    "the live-only simulation check.",
)
def check_r4_ec2_role_policies_write_only_to_the_log_bucket(d: Deployment) -> None:
    iam = d.client("iam")
    role = d.outputs.text("ec2_role_name")
    bucket = d.outputs.text("log_bucket_arn")
    allowed = {bucket, f"{bucket}/*"}
    problems: list[str] = []
    names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    if not names:
        problems.append("the role has no inline policy")
    for name in names:
        doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        for st in _statements(doc):
            if st.get("Effect") != "Allow":
                continue
            writes = [
                a
                for a in _as_list(st.get("Action"))
                if a.lower().startswith("s3:") and "get" not in a.lower() and "list" not in a.lower()
            ]
            if writes and not set(_as_list(st.get("Resource"))) <= allowed:
                problems.append(f"{name}: {writes} on {_as_list(st.get('Resource'))}, outside the log bucket")
            if "*" in _as_list(st.get("Action")):
                problems.append(f"{name}: Action '*'")
    _fail_if(problems, f"role {role}")


@check(
    "ec2_role_arn",
    "log_bucket_arn",
    "replica_bucket_arn",
    emulator_gap="moto 5.2.5 does not implement iam:SimulatePrincipalPolicy",
)
def check_r4_ec2_role_may_write_the_log_bucket_and_nowhere_else(d: Deployment) -> None:
    o = d.outputs
    iam = d.client("iam")
    log = o.text("log_bucket_arn")

    def decision(action: str, resource: str) -> str:
        result = iam.simulate_principal_policy(
            PolicySourceArn=o.text("ec2_role_arn"), ActionNames=[action], ResourceArns=[resource]
        )["EvaluationResults"][0]
        return str(result["EvalDecision"])

    problems: list[str] = []
    if decision("s3:PutObject", f"{log}/AWSLogs/app/probe.log") != "allowed":
        problems.append(f"s3:PutObject on {log}/* is not allowed")
    for action, resource in (
        ("s3:PutObject", f"{o.text('replica_bucket_arn')}/probe"),
        ("s3:PutObject", "arn:aws:s3:::tap-integration-probe-not-a-stack-bucket/probe"),
        ("s3:DeleteBucket", log),
        ("s3:PutBucketPolicy", log),
        ("iam:CreateUser", "*"),
        ("ec2:RunInstances", "*"),
    ):
        got = decision(action, resource)
        if got == "allowed":
            problems.append(f"{action} on {resource} is allowed")
    _fail_if(problems, "EC2 role simulation")


# ---------------------------------------------------------------------------------------------
# R8 DNS weights
# ---------------------------------------------------------------------------------------------
def _weighted_records(d: Deployment) -> dict[str, dict[str, Any]]:
    o = d.outputs
    fqdn = o.text("app_fqdn").rstrip(".") + "."
    records = d.client("route53").list_resource_record_sets(
        HostedZoneId=o.text("hosted_zone_id"), StartRecordName=fqdn, MaxItems="20"
    )["ResourceRecordSets"]
    return {
        r["SetIdentifier"]: r for r in records if r["Name"].lower() == fqdn.lower() and "SetIdentifier" in r
    }


@check(
    "hosted_zone_id",
    "app_fqdn",
    "green_record_set_identifier",
    "dev_record_set_identifier",
    "traffic_weight_green",
    "alb_dns_name",
    "migration_phase",
    emulator_caveat="moto stores the records; it does not resolve them or evaluate target health.",
)
def check_r8_weighted_records_carry_the_phases_weights(d: Deployment) -> None:
    o = d.outputs
    records = _weighted_records(d)
    green_id, dev_id = o.text("green_record_set_identifier"), o.text("dev_record_set_identifier")
    problems: list[str] = []
    green = records.get(green_id)
    if green is None:
        problems.append(f"no {green_id} record for {o.text('app_fqdn')}")
    else:
        if green.get("Weight") != int(o.number("traffic_weight_green")):
            problems.append(
                f"{green_id} weight {green.get('Weight')}, the phase says {o.text('traffic_weight_green')}"
            )
        target = green.get("AliasTarget") or {}
        if _alias(target.get("DNSName", "")) != _alias(o.text("alb_dns_name")):
            problems.append(f"{green_id} aliases {target.get('DNSName')}, not the prod ALB")
        if not target.get("EvaluateTargetHealth"):
            problems.append(f"{green_id} does not evaluate target health")
    if o.has("traffic_weight_blue"):
        dev = records.get(dev_id)
        if dev is None:
            problems.append(
                f"no {dev_id} record although traffic_weight_blue is {o.text('traffic_weight_blue')}"
            )
        elif dev.get("Weight") != int(o.number("traffic_weight_blue")):
            problems.append(
                f"{dev_id} weight {dev.get('Weight')}, the phase says {o.text('traffic_weight_blue')}"
            )
    elif dev_id in records:
        problems.append(f"{dev_id} still exists in phase {o.text('migration_phase')}")
    if records and all(r.get("Weight") == 0 for r in records.values()):
        problems.append("every weight is 0: Route53 would split traffic evenly")
    _fail_if(problems, f"records of {o.text('app_fqdn')}")


@check(
    "hosted_zone_id",
    "app_fqdn",
    emulator_gap="moto 5.2.5 does not implement route53:TestDNSAnswer",
)
def check_r8_route53_answers_for_the_app_name(d: Deployment) -> None:
    o = d.outputs
    answer = d.client("route53").test_dns_answer(
        HostedZoneId=o.text("hosted_zone_id"), RecordName=o.text("app_fqdn"), RecordType="A"
    )
    problems = []
    if answer.get("ResponseCode") != "NOERROR":
        problems.append(f"response code {answer.get('ResponseCode')}")
    if not answer.get("RecordData"):
        problems.append("no A records in the answer")
    _fail_if(problems, f"TestDNSAnswer for {o.text('app_fqdn')}")


# ---------------------------------------------------------------------------------------------
# R10 alarms
# ---------------------------------------------------------------------------------------------
@check(
    "alarm_names",
    "alarm_topic_arn",
    "alarm_unhealthy_hosts_name",
    "alarm_green_5xx_name",
    "alarm_green_p99_name",
    emulator_caveat="moto stores alarms as given and never evaluates them: this proves what was "
    "configured, not that an alarm fires.",
)
def check_r10_alarms_exist_with_the_spec_thresholds_and_actions(d: Deployment) -> None:
    o = d.outputs
    m = d.settings.monitoring
    names = o.items("alarm_names")
    found = {
        a["AlarmName"]: a for a in d.client("cloudwatch").describe_alarms(AlarmNames=names)["MetricAlarms"]
    }
    problems = [f"alarm {n} does not exist" for n in names if n not in found]
    topic = o.text("alarm_topic_arn")
    for name, alarm in found.items():
        for kind in ("AlarmActions", "OKActions"):
            if topic not in alarm.get(kind, []):
                problems.append(f"{name}: {kind} do not notify {topic}")
        if not alarm.get("TreatMissingData"):
            problems.append(f"{name}: no deliberate missing-data rule")
    expected: dict[str, tuple[float, str]] = {
        o.text("alarm_unhealthy_hosts_name"): (m.unhealthy_hosts_threshold, "GreaterThanOrEqualToThreshold"),
        o.text("alarm_green_5xx_name"): (m.error_rate_percent, "GreaterThanThreshold"),
        o.text("alarm_green_p99_name"): (m.p99_latency_seconds, "GreaterThanThreshold"),
    }
    by_metric: dict[tuple[str, str], tuple[float, str]] = {
        ("AWS/EC2", "CPUUtilization"): (m.cpu_threshold_percent, "GreaterThanThreshold"),
        ("AWS/RDS", "CPUUtilization"): (m.cpu_threshold_percent, "GreaterThanThreshold"),
        ("AWS/RDS", "DatabaseConnections"): (m.db_connections_threshold, "GreaterThanThreshold"),
        ("AWS/RDS", "FreeStorageSpace"): (m.free_storage_gib * 1024**3, "LessThanThreshold"),
    }
    for name, alarm in found.items():
        want = expected.get(name) or by_metric.get((alarm.get("Namespace", ""), alarm.get("MetricName", "")))
        if want is None:
            continue
        threshold, comparison = want
        if abs(float(alarm["Threshold"]) - threshold) > 1e-6 or alarm["ComparisonOperator"] != comparison:
            problems.append(
                f"{name}: {alarm['ComparisonOperator']} {alarm['Threshold']}, "
                f"expected {comparison} {threshold:g}"
            )
    for name, alarm in found.items():
        # R10.2: fleet CPU over 300 s x 2 periods, so one busy minute does not page anyone.
        if (alarm.get("Namespace"), alarm.get("MetricName")) == ("AWS/EC2", "CPUUtilization") and (
            alarm.get("Period"),
            alarm.get("EvaluationPeriods"),
        ) != (300, 2):
            problems.append(
                f"{name}: {alarm.get('Period')} s x {alarm.get('EvaluationPeriods')}, the spec says 300 s x 2"
            )
    if o.has("db_instance_identifier"):
        # The database alarms are found by the metric they watch, not by a guessed name.
        cw = d.client("cloudwatch")
        dims = [{"Name": "DBInstanceIdentifier", "Value": o.text("db_instance_identifier")}]
        for metric in ("CPUUtilization", "DatabaseConnections", "FreeStorageSpace"):
            threshold, comparison = by_metric[("AWS/RDS", metric)]
            alarms = cw.describe_alarms_for_metric(MetricName=metric, Namespace="AWS/RDS", Dimensions=dims)[
                "MetricAlarms"
            ]
            if not any(
                abs(float(a["Threshold"]) - threshold) < 1e-6
                and a["ComparisonOperator"] == comparison
                and topic in a.get("AlarmActions", [])
                for a in alarms
            ):
                problems.append(
                    f"no alarm on AWS/RDS {metric} of {o.text('db_instance_identifier')} with "
                    f"{comparison} {threshold:g} notifying the topic"
                )
    if o.text("alarm_unhealthy_hosts_name") in found:
        period = found[o.text("alarm_unhealthy_hosts_name")].get("Period")
        if period is not None and period != 60:
            problems.append(f"unhealthy hosts alarm period {period}s, the spec says 60 s")
    _fail_if(problems, "alarms")


# ---------------------------------------------------------------------------------------------
# R9 replication
# ---------------------------------------------------------------------------------------------
@check(
    "log_bucket_name",
    "replica_bucket_name",
    "replica_bucket_arn",
    "replica_bucket_region",
    "replication_role_arn",
    emulator_caveat="moto stores the replication rule but does not copy objects between regions.",
)
def check_r9_log_bucket_replicates_to_an_encrypted_versioned_replica(d: Deployment) -> None:
    o = d.outputs
    src = d.client("s3")
    dst = d.client("s3", o.text("replica_bucket_region"))
    problems: list[str] = []
    config = src.get_bucket_replication(Bucket=o.text("log_bucket_name"))["ReplicationConfiguration"]
    if config["Role"] != o.text("replication_role_arn"):
        problems.append(f"replication role {config['Role']}, expected {o.text('replication_role_arn')}")
    rules = [r for r in config["Rules"] if r.get("Status") == "Enabled"]
    if not any(r["Destination"]["Bucket"] == o.text("replica_bucket_arn") for r in rules):
        problems.append("no enabled rule replicates to the replica bucket")
    for r in rules:
        rtc = (r["Destination"].get("ReplicationTime") or {}).get("Status")
        if rtc != "Enabled":
            problems.append(f"rule {r.get('ID')}: Replication Time Control is {rtc}")
    for client, bucket in ((src, o.text("log_bucket_name")), (dst, o.text("replica_bucket_name"))):
        if client.get_bucket_versioning(Bucket=bucket).get("Status") != "Enabled":
            problems.append(f"{bucket}: versioning is not enabled")
    sse = dst.get_bucket_encryption(Bucket=o.text("replica_bucket_name"))["ServerSideEncryptionConfiguration"]
    algorithms = {r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for r in sse["Rules"]}
    if not algorithms & {"AES256", "aws:kms"}:
        problems.append(f"replica bucket default encryption is {algorithms}")
    _fail_if(problems, "log replication")


# ---------------------------------------------------------------------------------------------
# R5.6 / R11 the phase and the database address the fleets read
# ---------------------------------------------------------------------------------------------
@check(
    "migration_phase_parameter_name",
    "migration_phase",
    "migration_system_of_record",
    "db_endpoint_parameter_name",
    "db_instance_address",
    "writer_zone_id",
    "writer_record_fqdn",
    emulator_caveat="moto returns what was stored; this proves the parameters and the writer record "
    "agree with the outputs, not that a resolver in either VPC answers with them.",
)
def check_r5_r11_fleets_read_the_phase_and_the_writable_database_from_ssm(d: Deployment) -> None:
    o = d.outputs
    ssm = d.client("ssm")
    doc = json.loads(ssm.get_parameter(Name=o.text("migration_phase_parameter_name"))["Parameter"]["Value"])
    problems = []
    if doc.get("phase") != o.text("migration_phase"):
        problems.append(f"phase parameter says {doc.get('phase')}, outputs say {o.text('migration_phase')}")
    if doc.get("systemOfRecord") != o.text("migration_system_of_record"):
        problems.append(
            f"system of record {doc.get('systemOfRecord')} vs {o.text('migration_system_of_record')}"
        )
    name = ssm.get_parameter(Name=o.text("db_endpoint_parameter_name"))["Parameter"]["Value"]
    # Both fleets connect through the writer name in every phase (issue 10)...
    if name != o.text("writer_record_fqdn"):
        problems.append(
            f"DB endpoint parameter is {name}, not the writer name {o.text('writer_record_fqdn')}"
        )
    # ...and once prod is the system of record, that name resolves to the prod instance.
    sets = d.client("route53").list_resource_record_sets(
        HostedZoneId=o.text("writer_zone_id"),
        StartRecordName=o.text("writer_record_fqdn"),
        StartRecordType="CNAME",
    )["ResourceRecordSets"]
    target = next(
        (
            r["ResourceRecords"][0]["Value"].rstrip(".")
            for r in sets
            if r["Name"].rstrip(".") == o.text("writer_record_fqdn") and r.get("ResourceRecords")
        ),
        None,
    )
    if o.text("migration_system_of_record") == "prod" and target != o.text("db_instance_address"):
        problems.append(
            f"the writer name points at {target}, not the prod instance {o.text('db_instance_address')}"
        )
    _fail_if(problems, "SSM parameters")


@check(
    "log_bucket_name",
    emulator_gap="moto 5.2.5 always reads DeleteMarkerReplication back as Disabled, whatever was put",
)
def check_r9_replication_carries_delete_markers(d: Deployment) -> None:
    config = d.client("s3").get_bucket_replication(Bucket=d.outputs.text("log_bucket_name"))
    problems = [
        f"rule {r.get('ID')}: delete markers are not replicated"
        for r in config["ReplicationConfiguration"]["Rules"]
        if r.get("Status") == "Enabled"
        and (r.get("DeleteMarkerReplication") or {}).get("Status") != "Enabled"
    ]
    _fail_if(problems, "log replication")
