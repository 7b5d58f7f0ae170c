"""SPEC R8: zone, weighted records, health checks, DNSSEC and query logging."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tap.offline.plan import Plan, PlannedResource
from tap.phases import PHASES, Phase

RECORD = "aws:route53/record:Record"


def app_records(plan: Plan) -> dict[str, PlannedResource]:
    return {
        r.get("setIdentifier"): r for r in plan.of_type(RECORD) if r.get("name") == "app.payments.example.com"
    }


@pytest.mark.parametrize("phase", PHASES, ids=[p.value for p in PHASES])
def test_r8_2_weights_come_from_the_phase_machine_and_are_never_both_zero(
    plans: Callable[[Phase], Plan], phase: Phase
) -> None:
    plan = plans(phase)
    pp = plan.settings.phase_plan
    records = app_records(plan)
    weights = {k: int(v.get("weightedRoutingPolicies")[0]["weight"]) for k, v in records.items()}
    assert weights["green-production"] == pp.weights.green
    if pp.dev_record:
        assert weights["blue-development"] == pp.weights.blue
    else:
        assert "blue-development" not in records
    assert sum(weights.values()) > 0
    assert plan.outputs["traffic_weight_green"] == pp.weights.green


def test_r8_2_green_aliases_the_alb_and_dev_aliases_dev(plan: Plan) -> None:
    alb = plan.one("aws:lb/loadBalancer:LoadBalancer")
    zone = plan.one("aws:route53/zone:Zone", "prod-zone-pay01")
    records = app_records(plan)
    green, dev = records["green-production"], records["blue-development"]
    assert green.get("aliases") == [
        {"name": alb.outputs["dnsName"], "zoneId": alb.outputs["zoneId"], "evaluateTargetHealth": True}
    ]
    assert dev.get("aliases") == [
        {
            "name": "payments-dev-alb-1234567890.us-east-1.elb.amazonaws.com",
            "zoneId": "Z35SXDOTRQ7X7K",
            "evaluateTargetHealth": True,
        }
    ]
    assert {r.get("zoneId") for r in records.values()} == {zone.outputs["zoneId"]}
    assert {r.get("type") for r in records.values()} == {"A"}


def test_r8_3_health_checks_probe_each_side_over_https_and_are_attached(plan: Plan) -> None:
    records = app_records(plan)
    alb = plan.one("aws:lb/loadBalancer:LoadBalancer")
    for set_id, fqdn in (
        ("green-production", alb.outputs["dnsName"]),
        ("blue-development", "payments-dev-alb-1234567890.us-east-1.elb.amazonaws.com"),
    ):
        check = plan.by_id(records[set_id].get("healthCheckId"))
        assert (check.get("type"), check.get("port"), check.get("resourcePath")) == ("HTTPS", 443, "/health")
        assert check.get("fqdn") == fqdn


def test_r8_2_non_alias_records_have_ttl_at_most_60(any_phase_plan: Plan) -> None:
    for r in any_phase_plan.of_type(RECORD):
        if not r.get("aliases"):
            assert r.get("ttl") is not None and r.get("ttl") <= 60, r.name


def test_r8_2_plain_dev_records_use_the_configured_ttl(example_values: dict[str, object]) -> None:
    from tap.offline.engine import render

    plan = render(
        {
            **example_values,
            "devEndpointMode": "records",
            "devRecordValues": ["198.51.100.7", "198.51.100.8"],
            "devHealthCheckFqdn": "dev.payments.example.com",
            "dnsTtlSeconds": 30,
        }
    )
    dev = app_records(plan)["blue-development"]
    assert dev.get("records") == ["198.51.100.7", "198.51.100.8"] and dev.get("ttl") == 30
    assert not dev.get("aliases")
    assert plan.by_id(dev.get("healthCheckId")).get("fqdn") == "dev.payments.example.com"


def test_r8_4_created_zone_is_signed_with_an_asymmetric_key_and_logs_queries(plan: Plan) -> None:
    zone = plan.one("aws:route53/zone:Zone", "prod-zone-pay01")
    key = plan.one("aws:kms/key:Key", "prod-dnssec-kms-pay01")
    ksk = plan.one("aws:route53/keySigningKey:KeySigningKey")
    assert (key.get("customerMasterKeySpec"), key.get("keyUsage")) == ("ECC_NIST_P256", "SIGN_VERIFY")
    principals = [s["Principal"] for s in json.loads(key.get("policy"))["Statement"]]
    assert {"Service": "dnssec-route53.amazonaws.com"} in principals
    assert ksk.get("keyManagementServiceArn") == key.outputs["arn"] and ksk.get("status") == "ACTIVE"
    assert plan.one("aws:route53/hostedZoneDnsSec:HostedZoneDnsSec").get("signingStatus") == "SIGNING"
    query_log = plan.one("aws:route53/queryLog:QueryLog")
    group = plan.by_arn(query_log.get("cloudwatchLogGroupArn"))
    assert query_log.get("zoneId") == zone.outputs["zoneId"]
    assert group.get("kmsKeyId") == plan.one("aws:kms/key:Key", "prod-kms-pay01").outputs["arn"]


def test_r8_1_an_existing_zone_is_used_not_created_or_signed(example_values: dict[str, object]) -> None:
    from tap.offline.engine import render

    plan = render({**example_values, "hostedZoneId": "Z0123456789EXISTING"})
    # Only the private writer zone is created (it is the data tier's, not the public domain's).
    assert [z.name for z in plan.of_type("aws:route53/zone:Zone")] == ["prod-writer-zone-pay01"]
    assert not plan.of_type("aws:route53/keySigningKey:KeySigningKey")
    assert not plan.of_type("aws:route53/queryLog:QueryLog")
    assert {r.get("zoneId") for r in app_records(plan).values()} == {"Z0123456789EXISTING"}
    assert plan.outputs["hosted_zone_id"] == "Z0123456789EXISTING"
