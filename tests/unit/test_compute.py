"""SPEC R6: launch templates and Auto Scaling groups, read from the plan."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from tap.offline.fakes.context import FAKE_AMI_ID
from tap.offline.plan import Plan, PlannedResource
from tap.phases import PHASES, Phase
from tests.helpers import SUBNET, sg_named

LT = "aws:ec2/launchTemplate:LaunchTemplate"
ASG = "aws:autoscaling/group:Group"
COLOURS = ("blue", "green")


def lt(plan: Plan, colour: str) -> PlannedResource:
    return plan.one(LT, f"prod-lt-{colour}-pay01")


def asg(plan: Plan, colour: str) -> PlannedResource:
    return plan.one(ASG, f"prod-asg-{colour}-pay01")


@pytest.mark.parametrize("colour", COLOURS)
def test_r6_2_launch_template_uses_profile_app_group_imdsv2_and_encrypted_gp3(
    plan: Plan, colour: str
) -> None:
    t = lt(plan, colour)
    profile = plan.one("aws:iam/instanceProfile:InstanceProfile")
    key = plan.one("aws:kms/key:Key", "prod-kms-pay01")
    assert t.get("name") == f"prod-lt-{colour}-pay01"
    assert t.get("iamInstanceProfile") == {"arn": profile.outputs["arn"]}
    assert t.get("metadataOptions")["httpTokens"] == "required"
    assert t.get("metadataOptions")["httpPutResponseHopLimit"] == 1
    (nic,) = t.get("networkInterfaces")
    assert nic["securityGroups"] == [sg_named(plan, "app-sg").id]
    assert nic["associatePublicIpAddress"] == "false"
    (disk,) = t.get("blockDeviceMappings")
    assert disk["ebs"]["encrypted"] == "true" and disk["ebs"]["kmsKeyId"] == key.outputs["arn"]
    assert disk["ebs"]["volumeType"] == "gp3"
    assert t.get("monitoring") == {"enabled": True}
    # The pinned setting, not the public parameter's value (the fake answers FAKE_AMI_ID).
    assert t.get("imageId") == plan.settings.compute.ami_id != FAKE_AMI_ID
    kinds = {s["resourceType"] for s in t.get("tagSpecifications")}
    assert {"instance", "volume"} <= kinds


def test_r6_2_instance_types_from_settings(plan: Plan) -> None:
    assert lt(plan, "blue").get("instanceType") == "t3.micro"
    assert lt(plan, "green").get("instanceType") == "m5.large"


def test_r6_2_user_data_reads_the_db_parameter_and_holds_no_secret(plan: Plan) -> None:
    script = base64.b64decode(lt(plan, "green").get("userData")).decode()
    assert "--name '/tap/pay01/db/endpoint'" in script
    assert "PORT=8080" in script and "HEALTH_PATH=/health" in script
    assert "http_tokens" not in script and "X-aws-ec2-metadata-token" in script
    for word in ("password", "secret_key", "AKIA"):
        assert word not in script.lower() if word != "AKIA" else word not in script


@pytest.mark.parametrize("colour", COLOURS)
def test_r6_3_asg_in_private_subnets_attached_to_its_own_target_group(plan: Plan, colour: str) -> None:
    g = asg(plan, colour)
    private = {s.id for s in plan.of_type(SUBNET) if s.get("tags")["Tier"] == "private"}
    tg = plan.one("aws:lb/targetGroup:TargetGroup", f"prod-tg-{colour}-pay01")
    assert set(g.get("vpcZoneIdentifiers")) == private
    assert g.get("targetGroupArns") == [tg.outputs["arn"]]
    assert g.get("launchTemplate")["id"] == lt(plan, colour).id
    assert g.get("healthCheckType") == "ELB" and g.get("healthCheckGracePeriod") == 300
    assert g.get("enabledMetrics") and g.get("instanceRefresh")["strategy"] == "Rolling"


def test_r6_3_capacities_follow_the_phase_machine(plans: Callable[[Phase], Plan]) -> None:
    for phase in PHASES:
        plan = plans(phase)
        pp = plan.settings.phase_plan
        for colour, cap in (("green", pp.green_capacity), ("blue", pp.blue_capacity)):
            g = asg(plan, colour)
            assert (g.get("minSize"), g.get("maxSize"), g.get("desiredCapacity")) == (
                cap.min,
                cap.max,
                cap.desired,
            ), (phase, colour)
    g = asg(plans(Phase.TRAFFIC_SHIFT_10), "green")
    assert (g.get("minSize"), g.get("maxSize"), g.get("desiredCapacity")) == (3, 9, 3)
    b = asg(plans(Phase.TRAFFIC_SHIFT_10), "blue")
    assert (b.get("minSize"), b.get("maxSize"), b.get("desiredCapacity")) == (0, 3, 0)


def test_r6_3_scaling_under_load_is_not_undone_by_the_next_update(plan: Plan) -> None:
    assert "desiredCapacity" in asg(plan, "green").ignore_changes


@pytest.mark.parametrize("colour", COLOURS)
def test_r6_4_target_tracking_on_cpu_is_attached_to_each_fleet(plan: Plan, colour: str) -> None:
    (policy,) = [
        p
        for p in plan.of_type("aws:autoscaling/policy:Policy")
        if p.get("autoscalingGroupName") == asg(plan, colour).outputs["name"]
    ]
    cfg = policy.get("targetTrackingConfiguration")
    assert policy.get("policyType") == "TargetTrackingScaling"
    assert cfg["predefinedMetricSpecification"]["predefinedMetricType"] == "ASGAverageCPUUtilization"
    assert cfg["targetValue"] == 60
