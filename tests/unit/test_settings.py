"""SPEC R13.1: every bad setting stops the run before any resource, naming key, value and
what is allowed."""

from __future__ import annotations

import pytest

from tap.errors import SettingsError
from tap.offline.engine import render
from tap.phases import Phase
from tap.settings import KEYS, Settings, parse

# (key, bad value, extra settings that make the case meaningful, words the error must contain)
BAD = [
    ("vpcCidr", "10.0.0.0/33", {}, "IPv4 CIDR"),
    ("vpcCidr", "10.0.0.1/16", {}, "canonical"),
    ("vpcCidr", "not-a-cidr", {}, "IPv4 CIDR"),
    ("vpcCidr", "10.0.0.0/8", {}, "/16 to /28"),
    ("publicSubnetCidrs", '["10.0.1.0/24", "10.0.2.0/24"]', {}, "one subnet per availability zone"),
    ("publicSubnetCidrs", '["10.1.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]', {}, "inside vpcCidr"),
    ("privateSubnetCidrs", '["10.0.11.0/24", "10.0.11.0/24", "10.0.13.0/24"]', {}, "no repeats"),
    ("privateSubnetCidrs", '["10.0.1.0/24", "10.0.12.0/24", "10.0.13.0/24"]', {}, "does not overlap"),
    ("privateSubnetCidrs", '["10.0.11.0/25", "10.0.11.0/24", "10.0.13.0/24"]', {}, "does not overlap"),
    ("privateSubnetCidrs", "10.0.11.0/24", {}, "JSON list"),
    ("availabilityZones", '["us-east-1a", "us-east-1b"]', {}, "one availability zone per subnet pair"),
    ("availabilityZones", '["us-west-2a", "us-west-2b", "us-west-2c"]', {}, "zones of region"),
    ("availabilityZones", '["us-east-1a"]', {}, "2 to 6 items"),
    ("migrationPhase", "traffic-shift-25", {}, "traffic-shift-10"),
    ("migrationPhase", "", {}, "initial"),
    ("dbInstanceClass", "db.t2.nano", {}, "db.r5.large"),
    ("dbInstanceClass", "r5.large", {}, "one of"),
    ("greenInstanceType", "m5.huge", {}, "x86_64 EC2 instance type"),
    ("blueInstanceType", "t4g.micro", {}, "x86_64"),
    ("albGreenWeight", "100", {}, "a known setting"),
    ("amiId", "ami-0123", {}, "8 or 17 lowercase hex"),
    ("amiId", "", {}, "pinned AMI id"),
    ("dbEngineVersion", "8.0", {}, "major-only version"),
    ("dbEngineVersion", "", {}, "dev's exact MySQL version"),
    ("zoneDelegated", "false", {"migrationPhase": "blue-green"}, "before green runs"),
    ("domainName", "", {}, "DNS name"),
    ("domainName", "Payments.Example.com", {}, "lowercase DNS name"),
    ("environmentSuffix", "Prod_1", {}, "lowercase"),
    ("environmentSuffix", "-prod", {}, "hyphen"),
    ("environmentSuffix", "a-very-long-suffix-x", {}, "1-16"),
    ("environmentSuffix", "pr--1", {}, "single hyphens"),
    ("devDbInstanceId", "", {}, "every phase reads dev"),
    ("dbIamUser", "app-user", {}, "MySQL user name"),
    ("devDbInstanceId", "1-starts-with-digit", {}, "RDS instance identifier"),
    ("devDbInstanceId", "ends-with-hyphen-", {}, "RDS instance identifier"),
    ("dbAllocatedStorageGib", "10", {}, "20 to 65536"),
    ("dbBackupRetentionDays", "3", {}, "7 to 35"),
    ("dbEngineVersion", "5.7", {}, "8.0.N or 8.4.N"),
    ("replicaRegion", "us-east-1", {}, "other than region"),
    ("region", "useast1", {}, "region name"),
    ("dnsTtlSeconds", "300", {}, "1 to 60"),
    ("dnsTtlSeconds", "0", {}, "1 to 60"),
    ("logRetentionDays", "91", {}, "one of"),
    ("greenDesiredCapacity", "12", {}, "between greenMinSize"),
    ("greenMinSize", "0", {}, "1 to 100"),
    ("alarmEmails", "[]", {}, "1 to 20 items"),
    ("alarmEmails", '["not-an-email"]', {}, "e-mail address"),
    ("albDeletionProtection", "yes", {}, "true or false"),
    ("certificateArn", "arn:aws:iam::123456789012:server-certificate/x", {}, "ACM certificate ARN"),
    ("hostedZoneId", "zone-1", {}, "Route53 zone id"),
    ("devAliasDnsName", "", {"devEndpointMode": "alias"}, "when devEndpointMode=alias"),
    ("devEndpointMode", "cname", {}, "alias, records"),
    (
        "devRecordValues",
        "[]",
        {"devEndpointMode": "records", "devHealthCheckFqdn": "dev.example.com"},
        "at least one address",
    ),
    ("devRecordValues", '["dev.example.com"]', {"devEndpointMode": "records"}, "IPv4 address"),
    (
        "devHealthCheckFqdn",
        "",
        {"devEndpointMode": "records", "devRecordValues": '["198.51.100.7"]'},
        "when devEndpointMode=records",
    ),
    (
        "region",
        "eu-west-1",
        {"availabilityZones": '["eu-west-1a", "eu-west-1b", "eu-west-1c"]'},
        "us-east-1 while the stack creates the zone",
    ),
    ("appArtifactUri", "https://example.com/app.tar.gz", {}, "s3://bucket/key.tar.gz"),
    ("appArtifactUri", "", {}, "s3://bucket/key.tar.gz"),
    ("bakeSeconds", "100", {"dnsTtlSeconds": "60"}, "twice dnsTtlSeconds"),
    ("error5xxRatePercent", "0", {}, "above 0"),
    ("p99LatencySeconds", "nan", {}, "number"),
    ("wafRateLimit", "5", {}, "100 to"),
    ("analysisFailureLimit", "0", {}, "1 to 10"),
    ("scalingCpuTargetPercent", "95", {}, "10 to 90"),
    ("amiParameter", "ami-0123", {}, "SSM parameter path"),
]


def test_more_than_thirty_distinct_bad_inputs_are_covered() -> None:
    assert len({(k, v) for k, v, _, _ in BAD}) >= 30


@pytest.mark.parametrize(
    ("key", "value", "extra", "words"), BAD, ids=[f"{k}={v!s:.30}" for k, v, _, _ in BAD]
)
def test_r13_1_bad_value_names_key_value_and_what_is_allowed(
    example_values: dict[str, object], key: str, value: str, extra: dict[str, str], words: str
) -> None:
    values = {**example_values, **extra, key: value}
    with pytest.raises(SettingsError) as info:
        parse(values)
    message = str(info.value)
    assert f"tap:{key}" in message
    assert words in message
    assert key in info.value.keys


def test_r13_1_a_bad_setting_stops_the_render_before_any_resource(example_values: dict[str, object]) -> None:
    with pytest.raises(SettingsError, match="tap:vpcCidr"):
        render({**example_values, "vpcCidr": "10.0.0.0/33"})


def test_r13_1_unknown_key_is_an_error_with_a_suggestion(example_values: dict[str, object]) -> None:
    with pytest.raises(SettingsError, match="did you mean 'vpcCidr'"):
        parse({**example_values, "vpcCdir": "10.0.0.0/16"})


def test_r13_1_every_problem_is_reported_at_once(example_values: dict[str, object]) -> None:
    with pytest.raises(SettingsError) as info:
        parse({**example_values, "dnsTtlSeconds": "300", "amiId": "ami-x"})
    assert set(info.value.keys) == {"dnsTtlSeconds", "amiId"}


def test_r13_4_example_file_sets_every_key(example_values: dict[str, object]) -> None:
    assert set(example_values) == set(KEYS)
    settings = parse(example_values)
    assert settings.core.migration_phase is Phase.INITIAL


def test_typed_values_from_yaml_and_strings_from_pulumi_parse_the_same(
    example_values: dict[str, object],
) -> None:
    from tap.offline.engine import config_strings

    as_strings = {k[len("tap:") :]: v for k, v in config_strings(example_values).items()}
    assert parse(as_strings) == parse(example_values)


def test_settings_are_frozen(example_values: dict[str, object]) -> None:
    settings: Settings = parse(example_values)
    with pytest.raises(AttributeError):
        settings.core.region = "eu-west-1"  # type: ignore[misc]  # the assignment mypy forbids, tried
