"""SPEC R20 on the rendered stack: the defects issue 11 found, each checked on what the program
declares (these failed before the fixes: no timeouts, deferred Multi-AZ, a 75-minute wait on
an undelegated zone, storage below dev's, weight on an empty blue group)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tap import aws_types as t
from tap.components import timeouts
from tap.offline.config_file import load_values
from tap.offline.engine import render
from tap.offline.plan import Plan, PlannedResource
from tap.phases import PHASES, Phase
from tap.policies.deployability import PHASE_DEPENDENT_RDS_INPUTS
from tap.policies.runner import check_plan
from tests.conftest import EXAMPLE


def _prod_instance(plan: Plan) -> PlannedResource:
    (i,) = [r for r in plan.of_type(t.RDS_INSTANCE) if not r.read and "seed" not in r.name]
    return i


@pytest.fixture(scope="module")
def bootstrap() -> Plan:
    """The first `pulumi up`: the stack creates the zone, nobody has delegated it yet."""
    return render({**load_values(EXAMPLE), "migrationPhase": "initial", "zoneDelegated": False})


def test_r20_first_run_never_waits_on_an_undelegated_zone(bootstrap: Plan) -> None:
    assert bootstrap.settings.awaiting_delegation
    assert bootstrap.of_type(t.ACM_VALIDATION) == []  # the 75-minute wait is not declared
    assert bootstrap.of_type(t.LISTENER) == []  # and nothing uses the pending certificate
    (cert,) = bootstrap.of_type(t.ACM_CERTIFICATE)  # requested now, so it validates right after delegation
    # the public zone (the other one is the private writer zone, which nobody delegates)
    (zone,) = [z for z in bootstrap.of_type("aws:route53/zone:Zone") if not z.get("vpcs")]
    assert bootstrap.outputs["hosted_zone_name_servers"] == zone.outputs["nameServers"]
    assert bootstrap.outputs["https_listener_arn"] is None
    assert cert.get("validationMethod") == "DNS"
    assert check_plan(bootstrap).ok, check_plan(bootstrap).violations


def test_r20_once_delegated_the_listener_waits_for_the_validation(plan: Plan) -> None:
    (validation,) = plan.of_type(t.ACM_VALIDATION)
    (listener,) = plan.of_type(t.LISTENER)
    assert validation.urn in listener.dependencies
    assert listener.get("certificateArn") == validation.outputs["certificateArn"]
    assert validation.custom_timeouts == {"create": timeouts.CERTIFICATE_VALIDATION_CREATE.duration}


def test_r20_long_operations_carry_their_timeouts(plan: Plan) -> None:
    seen = set()
    for r in plan.resources:
        needed = timeouts.REQUIRED_TIMEOUTS.get(r.type)
        if needed is None or r.read:
            continue
        seen.add(r.type)
        for op, tmo in needed.items():
            assert timeouts.duration_seconds(r.custom_timeouts.get(op, "")) >= tmo.seconds, (r.name, op)
    assert seen == set(timeouts.REQUIRED_TIMEOUTS), "a listed type the stack no longer declares"
    snapshot_copy = plan.one(t.RDS_SNAPSHOT_COPY)
    assert timeouts.duration_seconds(snapshot_copy.custom_timeouts["create"]) > 20 * 60  # provider default


def test_r20_asg_waits_longer_for_capacity_than_the_provider_default(plan: Plan) -> None:
    for asg in plan.of_type(t.ASG):
        assert asg.get("waitForCapacityTimeout") == timeouts.ASG_CAPACITY_WAIT.duration


def test_r20_phase_dependent_rds_inputs_are_listed_and_applied_immediately(
    plans: Callable[[Phase], Plan],
) -> None:
    """Every input of the prod instance that differs between phases is in
    PHASE_DEPENDENT_RDS_INPUTS (so the rule knows it), and each phase applies it immediately."""
    instances = {p: _prod_instance(plans(p)) for p in PHASES if plans(p).settings.phase_plan.prod_database}
    keys = set().union(*(i.inputs for i in instances.values()))
    changing = {k for k in keys if len({repr(i.inputs.get(k)) for i in instances.values()}) > 1}
    assert changing and changing <= set(PHASE_DEPENDENT_RDS_INPUTS)
    assert all(i.get("applyImmediately") is True for i in instances.values())


def test_r20_storage_never_below_devs(example_values: dict[str, object]) -> None:
    plan = render({**example_values, "migrationPhase": "snapshot", "dbAllocatedStorageGib": 50})
    dev = next(r for r in plan.of_type(t.RDS_INSTANCE) if r.read)
    assert _prod_instance(plan).get("allocatedStorage") == dev.outputs["allocatedStorage"] == 100


def test_r20_parameter_group_family_follows_the_engine_version(example_values: dict[str, object]) -> None:
    plan = render({**example_values, "migrationPhase": "snapshot", "dbEngineVersion": "8.4.3"})
    (group,) = plan.of_type(t.RDS_PARAMETER_GROUP)
    assert group.get("family") == "mysql8.4"
    assert _prod_instance(plan).get("engineVersion") == "8.4.3"


@pytest.mark.parametrize("phase", PHASES, ids=[p.value for p in PHASES])
def test_r20_listener_weight_only_on_a_group_with_capacity(
    plans: Callable[[Phase], Plan], phase: Phase
) -> None:
    plan = plans(phase)
    (listener,) = plan.of_type(t.LISTENER)
    groups = {tg.outputs["arn"]: tg.name for tg in plan.of_type(t.TARGET_GROUP)}
    weights = {
        groups[g["arn"]]: g["weight"] for g in listener.get("defaultActions")[0]["forward"]["targetGroups"]
    }
    capacity = {
        groups[asg.get("targetGroupArns")[0]]: asg.get("desiredCapacity") for asg in plan.of_type(t.ASG)
    }
    expected = plan.settings.phase_plan.listener_weights
    assert weights == {"prod-tg-blue-pay01": expected.blue, "prod-tg-green-pay01": expected.green}
    if any(capacity.values()):
        assert all(capacity[g] > 0 for g, w in weights.items() if w > 0), (weights, capacity)


def test_r20_autoscaling_role_exists_before_the_key_that_names_it(plan: Plan) -> None:
    (role,) = plan.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole")
    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    assert role.get("awsServiceName") == "autoscaling.amazonaws.com"
    assert role.urn in key.dependencies
    # Account-wide, used by every ASG in the account: never deleted with this stack.
    assert role.protect and role.retain_on_delete
    assert "AWSServiceRoleForAutoScaling" in key.get("policy")


def test_r20_an_account_that_has_the_role_adopts_it(example_values: dict[str, object]) -> None:
    plan = render({**example_values, "createAutoScalingServiceLinkedRole": False})
    assert plan.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole") == []
    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    assert "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling" in key.get("policy")


def _provider_region(plan: Plan, r: PlannedResource) -> str:
    region: str = plan.by_urn(r.provider).inputs["region"]
    return region


def test_r20_route53_alarms_in_us_east_1_whatever_the_region(example_values: dict[str, object]) -> None:
    plan = render(
        {
            **example_values,
            "migrationPhase": "traffic-shift-10",
            "region": "eu-west-1",
            "availabilityZones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
            "dnssecEnabled": False,
            "queryLoggingEnabled": False,
        }
    )
    alarms = [a for a in plan.of_type(t.METRIC_ALARM) if a.get("namespace") == "AWS/Route53"]
    assert {a.name for a in alarms} == {
        "prod-green-health-check-alarm-pay01",
        "prod-dev-health-check-alarm-pay01",
    }
    (topic,) = [tp for tp in plan.of_type(t.SNS_TOPIC) if _provider_region(plan, tp) == "us-east-1"]
    for alarm in alarms:
        assert _provider_region(plan, alarm) == "us-east-1"
        assert alarm.get("alarmActions") == alarm.get("okActions") == [topic.outputs["arn"]]
    others = [a for a in plan.of_type(t.METRIC_ALARM) if a not in alarms]
    assert others and all(_provider_region(plan, a) == "eu-west-1" for a in others)
    assert plan.outputs["route53_alarm_region"] == "us-east-1"
    assert set(plan.outputs["route53_alarm_names"]).isdisjoint(plan.outputs["alarm_names"])
    assert check_plan(plan).ok, check_plan(plan).violations


def test_r20_in_us_east_1_route53_alarms_share_the_stack_topic(plan: Plan) -> None:
    alarms = [a for a in plan.of_type(t.METRIC_ALARM) if a.get("namespace") == "AWS/Route53"]
    (topic,) = plan.of_type(t.SNS_TOPIC)
    assert alarms and all(a.get("alarmActions") == [topic.outputs["arn"]] for a in alarms)
    assert set(plan.outputs["route53_alarm_names"]) <= set(plan.outputs["alarm_names"])
