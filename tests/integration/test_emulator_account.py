"""The seeded account the controller tests share (tests/emulator_account.py): after a test has
written to it, the next one finds it exactly as a fresh seed leaves it, and a write the partial
rebuild cannot undo gets a full reseed."""

from __future__ import annotations

import urllib.request
from typing import Any

from tap.aws_clients import AwsClients
from tap.emulator.seed import stand_in_of
from tap.emulator.stand_in import StandIn
from tap.migration.clock import ManualClock
from tap.phases import Phase
from tests.emulator_account import EmulatorAccount, sqs_client
from tests.migration.conftest import deployed_plan

PLAN = Phase.BLUE_GREEN


def _stand_in(emulator: EmulatorAccount) -> StandIn:
    plan = deployed_plan(PLAN)
    return stand_in_of(emulator.clients, emulator.holding(plan), plan, ManualClock())


def _observed(env: StandIn) -> dict[str, Any]:
    """What the controller tests read and write, without the ids moto draws anew per seed."""
    c: AwsClients = env.clients
    records = env.route53.list_resource_record_sets(HostedZoneId=env.outputs["hosted_zone_id"])
    items = c.client("dynamodb").scan(TableName=env.outputs["migration_state_table_name"])["Items"]
    alarms = c.client("cloudwatch").describe_alarms()["MetricAlarms"]
    metrics = c.client("cloudwatch").list_metrics()["Metrics"]
    topics = c.client("sns").list_topics()["Topics"]
    return {
        "records": sorted(
            (r["Name"], r["Type"], r.get("SetIdentifier", ""), r.get("Weight", -1))
            for r in records["ResourceRecordSets"]
        ),
        "phase": env.deployed_phase(),
        "state_items": items,
        "alarms": sorted((a["AlarmName"], a["StateValue"]) for a in alarms),
        "metrics": len(metrics),
        "topics": sorted(t["TopicArn"] for t in topics),
        "subscriptions": c.client("sns").list_subscriptions()["Subscriptions"],
        "queues": sqs_client(c).list_queues().get("QueueUrls", []),
        "groups": len(c.client("ec2").describe_security_groups()["SecurityGroups"]),
    }


def _write_what_controller_tests_write(env: StandIn) -> None:
    env.deploy_phase(Phase.TRAFFIC_SHIFT_50)
    env.set_alarm("green_5xx", "ALARM")
    env.feed_metrics(5)
    table = env.outputs["migration_state_table_name"]
    env.clients.client("dynamodb").put_item(TableName=table, Item={"pk": {"S": "x"}, "sk": {"S": "y"}})
    queue = sqs_client(env.clients).create_queue(QueueName="left-behind")["QueueUrl"]
    arn = sqs_client(env.clients).get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    env.clients.client("sns").subscribe(
        TopicArn=env.outputs["alarm_topic_arn"], Protocol="sqs", Endpoint=arn["Attributes"]["QueueArn"]
    )


def test_after_the_controllers_writes_the_next_test_finds_a_fresh_seed(emulator: EmulatorAccount) -> None:
    emulator.empty()
    fresh = _observed(_stand_in(emulator))
    assert emulator.last_restore == "seeded"
    written = _stand_in(emulator)
    _write_what_controller_tests_write(written)
    assert _observed(written) != fresh  # the writes are there to be undone

    restored = _stand_in(emulator)
    assert emulator.last_restore == "rebuilt alerts dns alarms state"  # VPC, ALB, fleets kept
    assert _observed(restored) == fresh


def test_no_seeded_backend_written_keeps_the_account_as_it_is(emulator: EmulatorAccount) -> None:
    first = _stand_in(emulator)
    before = _observed(first)
    sqs_client(first.clients).create_queue(QueueName="left-behind")  # no concern seeds SQS
    again = _stand_in(emulator)
    assert emulator.last_restore == "kept"
    assert again.outputs == first.outputs
    assert _observed(again) == before


def test_a_write_to_a_kept_concern_or_a_reset_reseeds_everything(emulator: EmulatorAccount) -> None:
    env = _stand_in(emulator)
    groups = _observed(env)["groups"]
    vpc = env.outputs["vpc_id"]
    env.clients.client("ec2").create_security_group(GroupName="stray", Description="stray", VpcId=vpc)
    after = _stand_in(emulator)
    assert emulator.last_restore == "seeded"
    assert _observed(after)["groups"] == groups

    # moto's own reset, as tests with a module-wide deployment of their own do it
    request = urllib.request.Request(f"{emulator.endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    _stand_in(emulator)
    assert emulator.last_restore == "seeded"


def _account(c: AwsClients) -> dict[str, Any]:
    """What an empty account holds (moto's defaults) across the services the tests write."""
    return {
        "vpcs": len(c.client("ec2").describe_vpcs()["Vpcs"]),
        "groups": len(c.client("ec2").describe_security_groups()["SecurityGroups"]),
        "balancers": c.client("elbv2").describe_load_balancers()["LoadBalancers"],
        "zones": c.client("route53").list_hosted_zones()["HostedZones"],
        "buckets": c.client("s3").list_buckets()["Buckets"],
        "tables": c.client("dynamodb").list_tables()["TableNames"],
        "parameters": c.client("ssm").describe_parameters()["Parameters"],
        "alarms": c.client("cloudwatch").describe_alarms()["MetricAlarms"],
        "topics": c.client("sns").list_topics()["Topics"],
        "queues": sqs_client(c).list_queues().get("QueueUrls", []),
    }


def test_emptying_after_a_seed_and_writes_leaves_what_motos_reset_leaves(emulator: EmulatorAccount) -> None:
    request = urllib.request.Request(f"{emulator.endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    by_moto = _account(emulator.clients)
    env = _stand_in(emulator)
    _write_what_controller_tests_write(env)
    env.clients.client("s3").create_bucket(Bucket="left-behind")
    assert _account(env.clients) != by_moto
    assert _account(emulator.empty()) == by_moto
