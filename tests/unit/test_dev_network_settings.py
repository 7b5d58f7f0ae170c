"""SPEC R13.1, issue 10: dev's network and the seed coordinates are validated before any
resource, each error naming the key, the value and what is allowed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tap.errors import SettingsError
from tap.offline.engine import render
from tap.phase_plan import plan_for
from tap.phases import PHASES, Phase
from tap.settings import parse

# (key, bad value, extra settings, words the error must contain)
BAD = [
    ("devVpcId", "vpc-123", {}, "8 or 17 lowercase hex digits"),
    ("devVpcId", "vpc-0D3E5F7A9B1C2D4E6", {}, "lowercase hex"),
    ("devVpcId", "sg-0a1b2c3d4e5f60718", {}, "a VPC id"),
    ("devVpcId", "", {}, "peers production with dev's VPC"),
    ("devVpcCidr", "10.20.0.0/33", {}, "IPv4 CIDR"),
    ("devVpcCidr", "10.20.0.1/16", {}, "canonical"),
    ("devVpcCidr", "10.0.128.0/17", {}, "does not overlap vpcCidr 10.0.0.0/16"),
    ("devVpcCidr", "10.0.0.0/16", {}, "does not overlap vpcCidr"),
    ("devVpcCidr", "", {}, "dev's VPC range"),
    ("devRouteTableIds", '["rtb-xyz"]', {}, "a route table id"),
    ("devRouteTableIds", '["rtb-0a11b22c", "rtb-0a11b22c"]', {}, "no repeats"),
    ("devRouteTableIds", "[]", {}, "at least one of dev's route table ids"),
    ("devRouteTableIds", "rtb-0a11b22c", {}, "JSON list"),
    ("devAppSecurityGroupId", "sg-12345", {}, "a security group id"),
    ("devAppSecurityGroupId", "", {}, "dev's app security group id"),
    ("devDbSecurityGroupId", "vpc-0a1b2c3d4e5f60718", {}, "a security group id"),
    ("devDbSecurityGroupId", "sg-0a1b2c3d4e5f60718", {}, "a group other than devAppSecurityGroupId"),
    ("seedBinlogFile", "mysql-bin-changelog", {}, "a binary log file name"),
    ("seedBinlogFile", "../etc/passwd.000001", {}, "a binary log file name"),
    ("seedBinlogFile", "", {"migrationPhase": "snapshot"}, "the binlog file `tap db seed` printed"),
    ("seedBinlogPosition", "-1", {}, "whole number"),
    ("seedBinlogPosition", "0", {"migrationPhase": "replicate"}, "at least 4"),
    ("dbSqlMode", "STRICT_TRANS_TABLES,NO_AUTO_CREATE_USER", {}, "MySQL 8.0 SQL modes"),
    ("dbCollation", "latin1_swedish_ci", {"dbCharacterSet": "utf8mb4"}, "a collation of dbCharacterSet"),
    ("dbLowerCaseTableNames", "2", {}, "one of"),
    ("dbMaxAllowedPacketBytes", "1000", {}, "multiple of 1024"),
    ("dbTimeZone", "+02:00", {}, "UTC or a zone name"),
]


@pytest.mark.parametrize(
    ("key", "value", "extra", "words"), BAD, ids=[f"{k}={v!s:.30}" for k, v, _, _ in BAD]
)
def test_bad_dev_network_or_seed_value_names_key_value_and_what_is_allowed(
    example_values: dict[str, object], key: str, value: str, extra: dict[str, str], words: str
) -> None:
    with pytest.raises(SettingsError) as info:
        parse({**example_values, **extra, key: value})
    assert f"tap:{key}" in str(info.value)
    assert words in str(info.value)
    assert key in info.value.keys


def test_bad_dev_network_stops_the_render_before_any_resource(example_values: dict[str, object]) -> None:
    with pytest.raises(SettingsError, match="tap:devVpcCidr"):
        render({**example_values, "devVpcCidr": "10.0.0.0/20"})


def test_seed_coordinates_are_required_exactly_where_the_phase_machine_says(
    example_values: dict[str, object],
) -> None:
    """The settings ask the phase machine, never a phase name."""
    values = {**example_values, "seedBinlogFile": "", "seedBinlogPosition": 0}
    for phase in PHASES:
        needs = plan_for(phase, parse(example_values).fleet_sizes).needs_seed_coordinates
        if needs:
            with pytest.raises(SettingsError) as info:
                parse({**values, "migrationPhase": phase.value})
            assert set(info.value.keys) == {"seedBinlogFile", "seedBinlogPosition"}
        else:
            assert parse({**values, "migrationPhase": phase.value}).seed.seed_binlog_file == ""
    assert not plan_for(Phase.SEED, parse(example_values).fleet_sizes).needs_seed_coordinates


def test_dev_network_is_not_required_once_the_phase_unlinks_dev(example_values: dict[str, object]) -> None:
    empty = {
        "devVpcId": "",
        "devVpcCidr": "",
        "devRouteTableIds": "[]",
        "devAppSecurityGroupId": "",
        "devDbSecurityGroupId": "",
    }
    settings = parse({**example_values, **empty, "migrationPhase": "complete"})
    assert not settings.phase_plan.dev_link


@given(st.integers(0, 255), st.sampled_from([8, 12, 16, 20, 24]))
def test_dev_cidr_is_accepted_exactly_when_it_does_not_overlap_prod(second: int, prefix: int) -> None:
    import ipaddress

    base = {
        "devDbInstanceId": "payments-dev-mysql",
        "devAliasDnsName": "dev-alb-1.us-east-1.elb.amazonaws.com",
        "devAliasZoneId": "Z35SXDOTRQ7X7K",
        "devVpcId": "vpc-0d3e5f7a9b1c2d4e6",
        "devRouteTableIds": '["rtb-0a11b22c33d44e55f"]',
        "devAppSecurityGroupId": "sg-0a1b2c3d4e5f60718",
        "devDbSecurityGroupId": "sg-0f9e8d7c6b5a40312",
        "dbEngineVersion": "8.0.39",
        "amiId": "ami-0abcdef1234567890",
        "appArtifactUri": "s3://payments-releases-example/payments-service/2026.11.3/payments-service.tar.gz",
    }
    prefix = max(prefix, 16)
    dev = str(ipaddress.IPv4Network(f"10.{second}.0.0/{prefix}", strict=False))
    overlaps = ipaddress.IPv4Network(dev).overlaps(ipaddress.IPv4Network("10.0.0.0/16"))
    if overlaps:
        with pytest.raises(SettingsError, match="devVpcCidr"):
            parse({**base, "devVpcCidr": dev})
    else:
        assert parse({**base, "devVpcCidr": dev}).dev_network.dev_vpc_cidr == dev
