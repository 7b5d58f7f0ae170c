"""R18: `tap cost` prices what the plan contains, from the dated table, with printed
assumptions."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from tap.cli.app import app
from tap.cost.assumptions import Assumptions
from tap.cost.estimate import Estimate, estimate, green_share
from tap.cost.prices import PriceError, load
from tap.offline.plan import Plan
from tap.phases import Phase

PRICES = load()
ASSUME = Assumptions()


def lines(e: Estimate, item_prefix: str) -> list[float]:
    return [ln.monthly_usd for ln in e.lines if ln.item.startswith(item_prefix)]


def test_r18_price_table_is_dated_and_names_its_source() -> None:
    assert datetime.date.fromisoformat(PRICES.as_of) <= datetime.date.today()
    assert PRICES.region == "us-east-1"
    assert "aws.amazon.com" in PRICES.source


def test_r18_nat_cost_counts_the_plans_nat_gateways(plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.INITIAL)
    nats = len(plan.of_type("aws:ec2/natGateway:NatGateway"))
    (hours,) = lines(estimate(plan, PRICES, ASSUME), "NAT gateway hours")
    assert nats == 3
    assert hours == pytest.approx(nats * 730 * PRICES.price("vpc", "nat_gateway_per_hour"))


def test_r5_r18_multi_az_doubles_the_instance_price_when_the_phase_switches_it_on(
    plans: Callable[[Phase], Plan],
) -> None:
    (single,) = lines(estimate(plans(Phase.SNAPSHOT), PRICES, ASSUME), "RDS MySQL")
    (multi,) = lines(estimate(plans(Phase.BLUE_GREEN), PRICES, ASSUME), "RDS MySQL")
    db = next(r for r in plans(Phase.BLUE_GREEN).of_type("aws:rds/instance:Instance") if not r.read)
    assert multi == pytest.approx(2 * single)
    assert multi == pytest.approx(730 * PRICES.rds_hourly(str(db.get("instanceClass")), True))


def test_r5_r18_the_read_only_dev_database_is_never_priced(plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_10)
    managed = [r for r in plan.of_type("aws:rds/instance:Instance") if not r.read]
    assert any(r.read for r in plan.of_type("aws:rds/instance:Instance"))
    assert len(lines(estimate(plan, PRICES, ASSUME), "RDS MySQL")) == len(managed)


def test_r18_snapshot_storage_appears_from_the_snapshot_phase(plans: Callable[[Phase], Plan]) -> None:
    assert lines(estimate(plans(Phase.INITIAL), PRICES, ASSUME), "manual snapshots") == []
    (kept,) = lines(estimate(plans(Phase.SNAPSHOT), PRICES, ASSUME), "manual snapshots")
    assert kept == pytest.approx(2 * ASSUME.dev_data_gib * PRICES.price("rds_mysql", "snapshot_per_gb_month"))


def test_r6_r18_fleet_cost_is_desired_capacity_times_the_launch_templates_type(
    plans: Callable[[Phase], Plan],
) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_10)
    e = estimate(plan, PRICES, ASSUME)
    green = plan.one("aws:autoscaling/group:Group", "prod-asg-green-pay01")
    template = plan.by_id(green.get("launchTemplate")["id"])
    itype = template.get("instanceType")
    (line,) = lines(e, f"EC2 {itype}")
    assert line == pytest.approx(green.get("desiredCapacity") * 730 * PRICES.ec2_hourly(itype))
    # The blue ASG idles at desired 0: no instance line for it.
    assert lines(e, f"EC2 {plan.settings.compute.blue_instance_type}") == []


@pytest.mark.parametrize(
    "phase",
    [
        Phase.BLUE_GREEN,
        Phase.TRAFFIC_SHIFT_10,
        Phase.TRAFFIC_SHIFT_50,
        Phase.TRAFFIC_SHIFT_100,
        Phase.COMPLETE,
    ],
)
def test_r8_r18_traffic_share_comes_from_the_weighted_records(
    phase: Phase, plans: Callable[[Phase], Plan]
) -> None:
    plan = plans(phase)
    assert green_share(plan) == pytest.approx(plan.settings.phase_plan.weights.green / 100)


def test_r18_no_prod_traffic_before_the_records_exist(plans: Callable[[Phase], Plan]) -> None:
    assert green_share(plans(Phase.INITIAL)) == 0.0


def test_r18_lcu_and_waf_request_cost_grow_with_the_green_share(plans: Callable[[Phase], Plan]) -> None:
    low = estimate(plans(Phase.TRAFFIC_SHIFT_10), PRICES, ASSUME)
    high = estimate(plans(Phase.TRAFFIC_SHIFT_100), PRICES, ASSUME)
    assert lines(high, "inspected requests")[0] == pytest.approx(10 * lines(low, "inspected requests")[0])
    assert lines(high, "ALB LCUs")[0] > lines(low, "ALB LCUs")[0]
    (acl_resource,) = plans(Phase.TRAFFIC_SHIFT_10).of_type("aws:wafv2/webAcl:WebAcl")
    (acl,) = lines(low, "web ACL")
    assert acl == pytest.approx(5.0 + len(acl_resource.get("rules")) * 1.0)


def test_r18_metric_math_alarms_are_billed_per_metric(plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_10)
    alarms = plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    math = [a for a in alarms if len([q for q in a.get("metricQueries") or [] if "metric" in q]) > 1]
    assert math, "the 5xx rate alarm divides two metrics"
    extra = sum(len([q for q in a.get("metricQueries") if "metric" in q]) - 1 for a in math)
    (billed,) = lines(estimate(plan, PRICES, ASSUME), "CloudWatch alarms")
    assert billed == pytest.approx((len(alarms) + extra) * 0.10)


def test_r18_larger_sizes_scale_from_the_family_price_and_unknown_types_fail_clearly() -> None:
    assert PRICES.ec2_hourly("m5.2xlarge") == pytest.approx(4 * PRICES.ec2_hourly("m5.large"))
    assert PRICES.rds_hourly("db.r5.4xlarge", multi_az=True) == pytest.approx(2 * 8 * 0.25)
    with pytest.raises(PriceError, match=r"'x9\.large'.*priced: "):
        PRICES.ec2_hourly("x9.large")


def test_r18_every_assumption_is_described() -> None:
    described = ASSUME.describe()
    assert len(described) == len(Assumptions.__dataclass_fields__)
    assert all(doc for _, _, doc in described)


def test_r18_tap_cost_json_reports_the_phase_the_assumptions_and_the_price_date(
    plans: Callable[[Phase], Plan],
) -> None:
    result = CliRunner().invoke(app, ["cost", "--phase", "snapshot", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["prices_as_of"] == PRICES.as_of
    assert doc["assumptions"]["dev_data_gib"] == ASSUME.dev_data_gib
    (only,) = doc["estimates"]
    assert only["phase"] == "snapshot"
    assert only["total_usd"] == pytest.approx(estimate(plans(Phase.SNAPSHOT), PRICES, ASSUME).total, abs=0.01)


def test_r18_tap_cost_rejects_an_unknown_phase_with_exit_2() -> None:
    result = CliRunner().invoke(app, ["cost", "--phase", "traffic-shift-75"])
    assert result.exit_code == 2
    assert "traffic-shift-100" in result.output


def test_r18_assumption_overrides_change_only_usage_lines(plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_100)
    base = estimate(plan, PRICES, ASSUME)
    busier = estimate(plan, PRICES, ASSUME.with_overrides(["requests_per_second=100"]))
    assert lines(busier, "inspected requests")[0] == pytest.approx(2 * lines(base, "inspected requests")[0])
    assert lines(busier, "NAT gateway hours") == lines(base, "NAT gateway hours")  # counted, not assumed


@pytest.mark.parametrize(
    "bad", ["requests=5", "requests_per_second", "requests_per_second=-1", "dev_data_gib=x"]
)
def test_r18_bad_assumption_override_is_exit_2_naming_what_is_allowed(bad: str) -> None:
    result = CliRunner().invoke(app, ["cost", "--phase", "initial", "--assume", bad])
    assert result.exit_code == 2
    assert bad in result.output
    assert "requests_per_second" in result.output or "number >= 0" in result.output
