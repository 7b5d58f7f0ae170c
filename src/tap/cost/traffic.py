"""Line items of the request path: NAT egress and public addresses, the fleets, the ALB, WAF."""

from __future__ import annotations

from collections.abc import Iterator

from tap import aws_types as t
from tap.cost.model import GIB_PER_KIB, SECONDS_PER_HOUR, Basis, Cost, Line
from tap.offline.plan import PlannedResource
from tap.values import flag, number


def nat_gateways(b: Basis) -> Iterator[Line]:
    nats = b.plan.of_type(t.NAT_GATEWAY)
    if not nats:
        return
    h, nat_gb = b.hours, b.assume.nat_gb_per_month
    per_hour = b.prices.price("vpc", "nat_gateway_per_hour")
    yield Line("network", "NAT gateway hours", f"{len(nats)} x {h:g} h", len(nats) * h * per_hour)
    per_gb = b.prices.price("vpc", "nat_gateway_per_gb")
    yield Line("network", "NAT data processed", f"{nat_gb:g} GB", nat_gb * per_gb)


def public_addresses(b: Basis) -> Iterator[Line]:
    eips = b.plan.of_type(t.EIP)
    # An internet-facing ALB holds one public IPv4 address per subnet it spans.
    alb_ips = sum(
        len(lb.get("subnets") or []) for lb in b.plan.of_type(t.LOAD_BALANCER) if not lb.get("internal")
    )
    if eips or alb_ips:
        n = len(eips) + alb_ips
        yield Line(
            "network",
            "public IPv4 addresses",
            f"{len(eips)} EIP + {alb_ips} ALB",
            n * b.hours * b.prices.price("vpc", "public_ipv4_per_hour"),
        )


def _root_gib(lt: PlannedResource) -> tuple[float, str]:
    for bdm in lt.get("blockDeviceMappings") or []:
        ebs = (bdm or {}).get("ebs") or {}
        if ebs:
            return number(ebs.get("volumeSize"), 8.0), str(ebs.get("volumeType") or "gp3")
    return 8.0, "gp3"


def fleets(b: Basis) -> Iterator[Line]:
    """Every ASG's desired capacity x its launch template's type, root volume and monitoring."""
    h, prices = b.hours, b.prices
    templates = {lt.id: lt for lt in b.plan.of_type(t.LAUNCH_TEMPLATE)}
    for asg in b.plan.of_type(t.ASG):
        desired = int(number(asg.get("desiredCapacity"), 0.0))
        lt = templates.get(str((asg.get("launchTemplate") or {}).get("id", "")))
        if lt is None or desired == 0:
            continue
        itype = str(lt.get("instanceType"))
        yield Line(
            "compute",
            f"EC2 {itype} ({asg.name})",
            f"{desired} x {h:g} h",
            desired * h * prices.ec2_hourly(itype),
        )
        gib, vtype = _root_gib(lt)
        yield Line(
            "compute",
            f"EBS {vtype} root volumes ({asg.name})",
            f"{desired} x {gib:g} GiB",
            desired * gib * prices.price("ec2", "ebs_gp3_per_gb_month"),
        )
        if flag((lt.get("monitoring") or {}).get("enabled")):
            yield Line(
                "compute",
                f"detailed monitoring ({asg.name})",
                f"{desired} instances",
                desired * prices.price("ec2", "detailed_monitoring_per_instance_month"),
            )


def load_balancers(b: Basis) -> Iterator[Line]:
    lbs = b.plan.of_type(t.LOAD_BALANCER)
    if not lbs:
        return
    h, share, assume = b.hours, b.share, b.assume
    yield Line(
        "load balancer",
        "ALB hours",
        f"{len(lbs)} x {h:g} h",
        len(lbs) * h * b.prices.price("elb", "alb_per_hour"),
    )
    gb_per_hour = assume.requests_per_second * share * assume.response_kib * GIB_PER_KIB * SECONDS_PER_HOUR
    lcu = max(gb_per_hour / 1.0, assume.new_connections_per_second * share / 25.0)
    yield Line(
        "load balancer",
        "ALB LCUs",
        f"{lcu:.2f} LCU x {h:g} h ({share:.0%} of traffic)",
        lcu * h * b.prices.price("elb", "alb_per_lcu_hour"),
    )


def web_firewall(b: Basis) -> Iterator[Line]:
    prices = b.prices
    for acl in b.plan.of_type(t.WEB_ACL):
        rules = len(acl.get("rules") or [])
        yield Line(
            "web firewall",
            "web ACL + rules",
            f"1 ACL, {rules} rules",
            prices.price("waf", "web_acl_per_month") + rules * prices.price("waf", "rule_per_month"),
        )
        million = b.monthly_requests * b.share / 1e6
        yield Line(
            "web firewall",
            "inspected requests",
            f"{million:.1f} M",
            million * prices.price("waf", "per_million_requests"),
        )


COSTS: tuple[Cost, ...] = (nat_gateways, public_addresses, fleets, load_balancers, web_firewall)
