"""Zone delegation through dnspython against a local authoritative DNS server on 127.0.0.1,
compared with the zone's name servers in Route53 (moto)."""

from __future__ import annotations

import socket

import pytest

from tap.aws_clients import AwsClients
from tap.preflight import delegation
from tap.preflight.context import Address, PreflightContext
from tap.preflight.registry import CHECKS
from tap.preflight.result import Status
from tap.preflight.runner import run_one
from tests.preflight import seed
from tests.preflight.conftest import MakeCtx
from tests.preflight.dns_server import dns_server

pytestmark = pytest.mark.moto
OTHER = ["ns1.other-dns.example.net.", "ns2.other-dns.example.net."]


def _soa(primary: str) -> list[str]:
    return [f"{primary} hostmaster.{seed.DOMAIN}. 1 7200 900 1209600 86400"]


def _ctx(make_ctx: MakeCtx, port: int) -> PreflightContext:
    return make_ctx(resolvers=(Address("127.0.0.1", port),), timeout_seconds=1.0)


def test_delegated_zone_passes(aws: AwsClients, make_ctx: MakeCtx) -> None:
    servers = seed.zone(aws)
    records = {(seed.DOMAIN, "NS"): [f"{s}." for s in servers], (seed.DOMAIN, "SOA"): _soa(f"{servers[0]}.")}
    with dns_server(records) as dns:
        result = delegation.zone_delegation(_ctx(make_ctx, dns.port))
        assert (seed.DOMAIN, "NS") in dns.queries  # the question really went to the resolver
    assert result.status is Status.PASS, result.message
    assert servers[0] in result.message


def test_undelegated_zone_fails_and_lists_the_name_servers_to_set(aws: AwsClients, make_ctx: MakeCtx) -> None:
    servers = seed.zone(aws)
    with dns_server({("example.com", "NS"): ["a.iana-servers.net."]}) as dns:
        result = delegation.zone_delegation(_ctx(make_ctx, dns.port))
    assert result.status is Status.FAIL
    assert "not delegated" in result.message
    assert all(s in result.action for s in servers)


def test_wrong_name_servers_fail(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.zone(aws)
    records = {(seed.DOMAIN, "NS"): OTHER, (seed.DOMAIN, "SOA"): _soa(OTHER[0])}
    with dns_server(records) as dns:
        result = delegation.zone_delegation(_ctx(make_ctx, dns.port))
    assert result.status is Status.FAIL
    assert "ns1.other-dns.example.net" in result.message


def test_soa_from_another_provider_fails(aws: AwsClients, make_ctx: MakeCtx) -> None:
    servers = seed.zone(aws)
    records = {(seed.DOMAIN, "NS"): [f"{s}." for s in servers], (seed.DOMAIN, "SOA"): _soa(OTHER[0])}
    with dns_server(records) as dns:
        result = delegation.zone_delegation(_ctx(make_ctx, dns.port))
    assert result.status is Status.FAIL and "another DNS provider" in result.message


def test_no_zone_yet_warns_before_the_first_up(make_ctx: MakeCtx) -> None:
    result = delegation.zone_delegation(_ctx(make_ctx, 53))
    assert result.status is Status.WARN and "first `pulumi up` creates it" in result.action


def test_silent_resolver_is_could_not_check(aws: AwsClients, make_ctx: MakeCtx) -> None:
    seed.zone(aws)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound, never answers
        silent.bind(("127.0.0.1", 0))
        ctx = make_ctx(resolvers=(Address("127.0.0.1", silent.getsockname()[1]),), timeout_seconds=0.3)
        check = next(c for c in CHECKS if c.name == "zone-delegation")
        result = run_one(check, ctx)
    assert result.status is Status.ERROR
    assert "gave no usable answer" in result.message


def test_configured_zone_that_does_not_exist_fails(make_ctx: MakeCtx) -> None:
    result = delegation.zone_delegation(make_ctx(overrides={"hostedZoneId": "Z0123456789ABC"}))
    assert result.status is Status.FAIL and "names no hosted zone" in result.message
