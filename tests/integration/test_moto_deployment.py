"""R17.4: the live checks, run against moto server on 127.0.0.1 so their code paths run in CI.

The environment is the example settings' plan at `traffic-shift-10` (both DNS records live,
green serving 10 %), built in moto through boto3 by the one seeder (tap.emulator.deployer).

What this proves: `tap verify --live` (tap.live: every rule describe_* can feed and the
reachability matrix) passes on it and catches a database opened to the world or a private
subnet egressing through another zone's NAT; the checks in checks.py (what `tap verify --live`
does not judge: see there) call the right APIs with the right arguments, read the answers
correctly, and pass on a deployment built from the program's own plan (subnets, routes,
security group rules, DB settings, listener weights, records, alarm thresholds, replication,
SSM parameters) — and fail when that deployment is wrong (the mutation tests below).
What it cannot prove: moto evaluates no security group, forwards no packet, requests no
/health page, resolves no DNS name, fires no alarm and replicates no object; it does not
implement IAM policy simulation or TestDNSAnswer (those two checks are skipped here, saying so).
Each check in checks.py states its own caveat (`emulator_caveat`) or gap (`emulator_gap`).
"""

from __future__ import annotations

import dataclasses
import json
import urllib.request
from collections.abc import Callable, Iterator

import pytest

from tap.aws_clients import AwsClients
from tap.docs.runbook_sections import emergency_batch
from tap.emulator.deployer import deploy
from tap.emulator.substitutions import Substitutions
from tap.live.outputs import parse_outputs
from tap.live.verify_live import verify_outputs
from tap.offline.plan import Plan
from tap.phases import Phase
from tap.policies.verify_plan import Verification
from tests.integration.checks import CHECKS, Check, Deployment, NotApplicable
from tests.integration.flat_outputs import FlatOutputs

pytestmark = pytest.mark.moto

PHASE = Phase.TRAFFIC_SHIFT_10


def _reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


class _Environment:
    """The module's deployment, rebuilt if something reset the emulator under it."""

    def __init__(self, endpoint: str, plan: Plan) -> None:
        self.endpoint, self.plan = endpoint, plan
        self.clients = AwsClients(region=plan.settings.core.region, endpoint_url=endpoint)
        self.build()

    def build(self) -> None:
        _reset(self.endpoint)
        seeded = deploy(self.clients, self.plan)
        outputs = FlatOutputs(seeded.outputs, "moto server (example plan)")
        self.deployment = Deployment(self.clients, outputs, self.plan.settings)
        self.sub = seeded.sub

    def current(self) -> tuple[Deployment, Substitutions]:
        vpc = self.deployment.outputs.text("vpc_id")
        if not self.clients.client("ec2").describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
            "Vpcs"
        ]:
            self.build()
        return self.deployment, self.sub


@pytest.fixture(scope="module")
def moto_environment(moto_endpoint: str, plans: Callable[[Phase], Plan]) -> Iterator[_Environment]:
    """One deployment for the module: building it is the expensive part, the checks only read.

    pytest-xdist hands each worker its tests in collection order, so normally no other module's
    test (whose `moto_clients` resets the emulator) runs between two of this module's; if one
    does, `current()` notices the missing VPC and rebuilds.
    """
    env = _Environment(moto_endpoint, plans(PHASE))
    yield env
    _reset(moto_endpoint)


@pytest.fixture
def moto_env(moto_environment: _Environment) -> tuple[Deployment, Substitutions]:
    return moto_environment.current()


@pytest.fixture
def moto_deployment(moto_env: tuple[Deployment, Substitutions]) -> Deployment:
    return moto_env[0]


def test_r17_4_a_reset_emulator_is_redeployed_before_the_next_check(moto_environment: _Environment) -> None:
    first = moto_environment.current()[0].outputs.text("vpc_id")
    _reset(moto_environment.endpoint)
    again = moto_environment.current()[0]
    assert again.outputs.text("vpc_id") != first  # a new deployment, with new ids
    assert _stack_problems(again) == []


def _run(check: Check, d: Deployment) -> None:
    if check.emulator_gap:
        pytest.skip(f"{check.name}: {check.emulator_gap}; it runs in the live suite only")
    missing = d.outputs.missing(check.needs)
    if missing:
        pytest.skip(f"{check.name}: the example plan at {PHASE.value} has no output {', '.join(missing)}")
    try:
        check(d)
    except NotApplicable as exc:
        pytest.skip(f"{check.name}: {exc}")


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_r17_4_live_check_passes_against_moto_deployment_of_the_plan(
    check: Check, moto_deployment: Deployment
) -> None:
    _run(check, moto_deployment)


def test_r17_4_moto_deployment_keeps_every_plan_output_name(
    moto_deployment: Deployment, plans: Callable[[Phase], Plan]
) -> None:
    assert set(moto_deployment.outputs.values) == set(plans(PHASE).outputs)
    # ids moto assigned replaced the plan's fake ones
    assert moto_deployment.outputs.text("vpc_id") != plans(PHASE).outputs["vpc_id"]


def _live(d: Deployment) -> Verification:
    """What `tap verify --live` finds on `d` (tap.live, the one implementation of those checks)."""
    return verify_outputs(d.clients, parse_outputs(d.outputs.values, d.outputs.source))


def _stack_problems(d: Deployment) -> list[str]:
    """The stack's violations and wrong reachability cells (the emulated account has no
    CloudTrail or GuardDuty: its baseline is tested in tests/reachability)."""
    result = _live(d)
    return [f.message for f in result.report.violations] + [
        f"{c.question}: {c.actual}" for c in result.wrong_cells
    ]


def test_r14_2_r17_4_tap_verify_live_passes_on_the_plan_built_in_moto(moto_deployment: Deployment) -> None:
    result = _live(moto_deployment)
    assert _stack_problems(moto_deployment) == []
    # the rules really ran on what describe_* returned
    checked = [f.rule for f in result.report.findings]
    assert {
        "rds-not-public",
        "launch-template-imdsv2",
        "internet-ingress-https-only",
        "kms-key-rotation",
        # on the parameter group as RDS reports it (describe_db_parameters), not as planned
        "rds-parameter-group-requires-tls",
        "replication-ignores-mysql-schema",
        "rds-no-general-log",
    } <= set(checked)
    assert checked.count("s3-versioning-enabled") == 2  # the log bucket, and its replica in its own region


# ---------------------------------------------------------------------------------------------
# The checks fail on a wrong deployment: each test breaks one thing, expects the check to name
# it, and puts it back (the module's tests share one deployment).
# ---------------------------------------------------------------------------------------------
def _check(name_part: str) -> Check:
    (found,) = [c for c in CHECKS if name_part in c.name]
    return found


def _with_outputs(d: Deployment, **changes: str) -> Deployment:
    values = {**d.outputs.values, **changes}
    return dataclasses.replace(d, outputs=FlatOutputs(values, "mutated"))


def test_r2_3_db_check_fails_when_the_db_group_admits_the_internet(moto_deployment: Deployment) -> None:
    ec2 = moto_deployment.client("ec2")
    group = moto_deployment.outputs.text("db_security_group_id")
    perm = [{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=perm)
    try:
        broken = _live(moto_deployment)
        assert "internet-ingress-https-only" in broken.report.failed_rules()
        assert [(c.question, c.actual) for c in broken.wrong_cells] == [("other VPC host -> DB:3306", "yes")]
    finally:
        ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=perm)
    assert _stack_problems(moto_deployment) == []


@pytest.mark.parametrize(
    ("parameter", "value", "rule"),
    [
        ("replicate-ignore-db", "payments", "replication-ignores-mysql-schema"),
        ("require_secure_transport", "0", "rds-parameter-group-requires-tls"),
        ("general_log", "1", "rds-no-general-log"),
    ],
)
def test_issue10_verify_live_judges_the_parameter_group_rds_applies(
    moto_deployment: Deployment, parameter: str, value: str, rule: str
) -> None:
    """A value changed in the account after the deploy (console, another tool) is caught live:
    the offline rule alone would still pass the plan."""
    rds = moto_deployment.client("rds")
    (db,) = rds.describe_db_instances(
        DBInstanceIdentifier=moto_deployment.outputs.text("db_instance_identifier")
    )["DBInstances"]
    group = db["DBParameterGroups"][0]["DBParameterGroupName"]
    before = {
        p["ParameterName"]: p
        for page in rds.get_paginator("describe_db_parameters").paginate(DBParameterGroupName=group)
        for p in page["Parameters"]
    }
    change = {"ParameterName": parameter, "ParameterValue": value, "ApplyMethod": "immediate"}
    rds.modify_db_parameter_group(DBParameterGroupName=group, Parameters=[change])
    try:
        broken = _live(moto_deployment)
        assert broken.report.failed_rules() == (rule,)
        (message,) = [f.message for f in broken.report.violations]
        assert group in message and parameter in message
    finally:
        old = before.get(parameter)
        restore = old and {k: old[k] for k in ("ParameterName", "ParameterValue", "ApplyMethod")}
        rds.modify_db_parameter_group(
            DBParameterGroupName=group, Parameters=[restore or {**change, "ParameterValue": "0"}]
        )
    assert _stack_problems(moto_deployment) == []


def test_r1_2_network_check_fails_when_a_private_subnet_egresses_through_another_az(
    moto_deployment: Deployment,
) -> None:
    ec2 = moto_deployment.client("ec2")
    o = moto_deployment.outputs
    subnet = o.items("private_subnet_ids")[0]
    (table,) = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])[
        "RouteTables"
    ]
    own = next(r["NatGatewayId"] for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")
    other = next(n for n in o.items("nat_gateway_ids") if n != own)
    ec2.replace_route(
        RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=other
    )
    try:
        broken = _live(moto_deployment)
        (cell,) = broken.wrong_cells
        assert cell.question == "app -> internet:443" and "via NAT in another AZ" in cell.actual
    finally:
        ec2.replace_route(
            RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=own
        )
    assert _stack_problems(moto_deployment) == []


def test_r8_2_weights_check_fails_when_the_green_record_drifts_from_the_phase(
    moto_deployment: Deployment,
) -> None:
    r53 = moto_deployment.client("route53")
    o = moto_deployment.outputs
    zone = o.text("hosted_zone_id")
    fqdn = o.text("app_fqdn") + "."
    records = r53.list_resource_record_sets(HostedZoneId=zone, StartRecordName=fqdn)["ResourceRecordSets"]
    green = next(r for r in records if r.get("SetIdentifier") == o.text("green_record_set_identifier"))

    def upsert(weight: int) -> None:
        r53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {**green, "Weight": weight}}]},
        )

    upsert(50)
    try:
        with pytest.raises(AssertionError, match="weight 50, the phase says 10"):
            _check("weighted_records")(moto_deployment)
    finally:
        upsert(green["Weight"])
    _check("weighted_records")(moto_deployment)


def test_r10_1_alarm_check_fails_when_alarms_notify_another_topic(moto_deployment: Deployment) -> None:
    wrong = _with_outputs(moto_deployment, alarm_topic_arn="arn:aws:sns:us-east-1:123456789012:someone-else")
    with pytest.raises(AssertionError, match="AlarmActions do not notify"):
        _check("alarms_exist")(wrong)


def test_r10_2_alarm_check_fails_when_settings_ask_for_another_threshold(moto_deployment: Deployment) -> None:
    s = moto_deployment.settings
    stricter = dataclasses.replace(
        s,
        monitoring=dataclasses.replace(
            s.monitoring, unhealthy_hosts_threshold=s.monitoring.unhealthy_hosts_threshold + 1
        ),
    )
    with pytest.raises(AssertionError, match="expected GreaterThanOrEqualToThreshold"):
        _check("alarms_exist")(dataclasses.replace(moto_deployment, settings=stricter))


def test_r4_1_role_check_fails_when_the_policy_writes_outside_the_bucket_it_is_checked_against(
    moto_deployment: Deployment,
) -> None:
    o = moto_deployment.outputs
    elsewhere = _with_outputs(moto_deployment, log_bucket_arn=o.text("replica_bucket_arn"))
    with pytest.raises(AssertionError, match="outside the log bucket"):
        _check("write_only_to_the_log_bucket")(elsewhere)


def test_r5_6_ssm_check_fails_when_the_fleets_would_read_another_database(
    moto_deployment: Deployment,
) -> None:
    dev = _with_outputs(moto_deployment, db_instance_address="payments-dev-mysql.example.internal")
    with pytest.raises(AssertionError, match="not the prod instance"):
        _check("writable_database_from_ssm")(dev)


def test_r15_2_r18_runbook_emergency_batch_flips_all_traffic_to_dev(
    moto_env: tuple[Deployment, Substitutions], plans: Callable[[Phase], Plan]
) -> None:
    """The change batch printed in docs/runbook.md, applied with the same API call the AWS CLI
    makes, leaves dev at 100 and green at 0 — and the weights check agrees."""
    d, sub = moto_env
    r53 = d.client("route53")
    zone, fqdn = d.outputs.text("hosted_zone_id"), d.outputs.text("app_fqdn") + "."
    before = [
        r
        for r in r53.list_resource_record_sets(HostedZoneId=zone, StartRecordName=fqdn)["ResourceRecordSets"]
        if "SetIdentifier" in r
    ]
    batch = json.loads(sub.text(json.dumps(emergency_batch(plans(PHASE)))))
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=batch)
    try:
        flipped = _with_outputs(d, traffic_weight_blue="100", traffic_weight_green="0")
        _check("weighted_records")(flipped)
        with pytest.raises(AssertionError, match="weight 0, the phase says 10"):
            _check("weighted_records")(d)
    finally:
        r53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": r} for r in before]},
        )
    _check("weighted_records")(d)


def test_r10_2_alarm_check_fails_when_a_database_alarm_is_missing(moto_deployment: Deployment) -> None:
    cw = moto_deployment.client("cloudwatch")
    dims = [{"Name": "DBInstanceIdentifier", "Value": moto_deployment.outputs.text("db_instance_identifier")}]
    (alarm,) = cw.describe_alarms_for_metric(
        MetricName="DatabaseConnections", Namespace="AWS/RDS", Dimensions=dims
    )["MetricAlarms"]
    cw.delete_alarms(AlarmNames=[alarm["AlarmName"]])
    try:
        with pytest.raises(AssertionError, match="no alarm on AWS/RDS DatabaseConnections"):
            _check("alarms_exist")(moto_deployment)
    finally:
        keep = (
            "AlarmName",
            "AlarmDescription",
            "AlarmActions",
            "OKActions",
            "MetricName",
            "Namespace",
            "Statistic",
            "Dimensions",
            "Period",
            "EvaluationPeriods",
            "Threshold",
            "ComparisonOperator",
            "TreatMissingData",
        )
        cw.put_metric_alarm(**{k: alarm[k] for k in keep if k in alarm})
    _check("alarms_exist")(moto_deployment)
