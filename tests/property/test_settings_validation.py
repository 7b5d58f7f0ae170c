"""SPEC R1.4, R13.1, R17.2: properties of settings validation over generated inputs."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from tap.errors import SettingsError
from tap.settings import parse

BASE = {
    "devAliasDnsName": "dev-alb-1.us-east-1.elb.amazonaws.com",
    "devAliasZoneId": "Z35SXDOTRQ7X7K",
    "devDbInstanceId": "payments-dev-mysql",
    "dbEngineVersion": "8.0.39",
    "amiId": "ami-0abcdef1234567890",
    "devVpcId": "vpc-0d3e5f7a9b1c2d4e6",
    "devVpcCidr": "10.20.0.0/16",
    "devRouteTableIds": '["rtb-0a11b22c33d44e55f"]',
    "devAppSecurityGroupId": "sg-0a1b2c3d4e5f60718",
    "devDbSecurityGroupId": "sg-0f9e8d7c6b5a40312",
    # Required: the release bundle the fleets install (absent used to pass, empty was refused).
    "appArtifactUri": "s3://payments-releases/payments-service/1.0.0/payments-service.tar.gz",
}
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]


@st.composite
def layouts(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """A VPC and six /24s drawn from anywhere in 10.0.0.0/8 (inside or outside the VPC)."""
    second = draw(st.integers(0, 3))
    vpc = f"10.{second}.0.0/16"

    def cidr() -> str:
        return f"10.{draw(st.integers(0, 3))}.{draw(st.integers(0, 255))}.0/24"

    return vpc, [cidr() for _ in range(3)], [cidr() for _ in range(3)]


def _valid_layout(vpc: str, pub: list[str], priv: list[str]) -> bool:
    net = ipaddress.IPv4Network(vpc)
    nets = [ipaddress.IPv4Network(c) for c in pub + priv]
    inside = all(n.subnet_of(net) for n in nets)
    disjoint = all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])
    return inside and disjoint


@settings(max_examples=150, deadline=None)
@given(layouts())
def test_layout_is_accepted_exactly_when_inside_the_vpc_and_disjoint(
    layout: tuple[str, list[str], list[str]],
) -> None:
    vpc, pub, priv = layout
    values = {
        **BASE,
        "vpcCidr": vpc,
        "publicSubnetCidrs": pub,
        "privateSubnetCidrs": priv,
        "availabilityZones": ZONES,
    }
    if _valid_layout(vpc, pub, priv):
        parsed = parse(values)
        assert parsed.network.public_subnet_cidrs == tuple(pub)
    else:
        try:
            parse(values)
        except SettingsError as exc:
            assert set(exc.keys) <= {"publicSubnetCidrs", "privateSubnetCidrs"}
        else:
            raise AssertionError(f"accepted an invalid layout {layout}")


@given(st.integers(0, 8), st.integers(0, 999))
def test_engine_version_accepted_only_as_exact_8_0_or_8_4(minor: int, patch: int) -> None:
    version = f"8.{minor}.{patch}"
    values = {**BASE, "dbEngineVersion": version}
    # 8.0 from 8.0.28 only: RDS offers the MariaDB audit plugin (the database audit log) from there.
    if minor == 4 or (minor == 0 and patch >= 28):
        assert parse(values).database.parameter_group_family == f"mysql8.{minor}"
    else:
        try:
            parse(values)
        except SettingsError as exc:
            assert exc.keys == ("dbEngineVersion",)
            assert version in str(exc)
        else:
            raise AssertionError(f"accepted engine version {version}")


@given(st.text(min_size=1, max_size=24))
def test_suffix_accepted_only_when_safe_for_bucket_and_rds_names(suffix: str) -> None:
    values = {**BASE, "environmentSuffix": suffix}
    safe = (
        suffix.isascii()
        and 1 <= len(suffix) <= 16
        and "--" not in suffix
        and all(c.islower() or c.isdigit() or c == "-" for c in suffix)
        and not suffix.startswith("-")
        and not suffix.endswith("-")
    )
    if safe:
        assert parse(values).core.environment_suffix == suffix
    else:
        try:
            parse(values)
        except SettingsError as exc:
            assert exc.keys == ("environmentSuffix",)
        else:
            raise AssertionError(f"accepted unsafe suffix {suffix!r}")


@given(st.integers(1, 60), st.integers(60, 3600))
def test_bake_must_cover_two_ttls(ttl: int, bake: int) -> None:
    values = {**BASE, "dnsTtlSeconds": str(ttl), "bakeSeconds": str(bake)}
    if bake >= 2 * ttl:
        assert parse(values).migration.bake_seconds == bake
    else:
        try:
            parse(values)
        except SettingsError as exc:
            assert exc.keys == ("bakeSeconds",)
        else:
            raise AssertionError("accepted a bake shorter than two TTLs")
