"""R18: `tap diagram` draws the architecture from the plan: boxes are declared resources,
arrows are references between them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap import diagram
from tap.cli.app import app
from tap.offline.plan import Plan
from tap.phases import Phase

NAT = "aws:ec2/natGateway:NatGateway"


def test_r1_2_r18_each_private_subnet_egresses_through_the_nat_of_its_own_az(
    plans: Callable[[Phase], Plan],
) -> None:
    plan = plans(Phase.INITIAL)
    g = diagram.build(plan)
    cluster = {n.id: n.cluster for n in g.nodes}
    egress = [e for e in g.edges if e.label == "egress 0.0.0.0/0"]
    private = [s for s in plan.of_type("aws:ec2/subnet:Subnet") if s.get("tags", {}).get("Tier") == "private"]
    assert len(egress) == len(private) == len(plan.of_type(NAT)) == 3
    for e in egress:
        assert cluster[e.src] == cluster[e.dst] != "vpc"  # same AZ cluster
    assert len({e.dst for e in egress}) == 3  # three different NAT gateways


def test_r5_r18_snapshot_chain_appears_from_the_snapshot_phase(plans: Callable[[Phase], Plan]) -> None:
    before = diagram.build(plans(Phase.INITIAL))
    after = diagram.build(plans(Phase.SNAPSHOT))
    chain = {"read replica", "replication stopped", "copy + encrypt", "restore"}
    labels = {e.label for e in after.edges}
    assert chain <= labels
    assert not chain & {e.label for e in before.edges}
    edges = {(e.src, e.dst): e.label for e in after.edges}
    # The snapshot is of the seed replica, never of dev (dev keeps taking writes).
    assert edges[("prod_seed_replica_pay01", "prod_seed_snapshot_pay01")] == "replication stopped"
    assert ("prod_dev_db_source_pay01", "prod_seed_snapshot_pay01") not in edges


def test_replication_direction_follows_the_phase_machine(plans: Callable[[Phase], Plan]) -> None:
    forward = {
        (e.src, e.dst) for e in diagram.build(plans(Phase.REPLICATE)).edges if "replication" in e.label
    }
    assert ("prod_dev_db_source_pay01", "prod_rds_pay01") in forward
    reverse = {(e.src, e.dst) for e in diagram.build(plans(Phase.BLUE_GREEN)).edges if "fallback" in e.label}
    assert reverse == {("prod_rds_pay01", "prod_dev_db_source_pay01")}


def test_r9_r18_log_bucket_replicates_to_the_replica_region(plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_10)
    g = diagram.build(plan)
    (edge,) = [e for e in g.edges if e.label.startswith("replication")]
    labels = {n.id: n.label for n in g.nodes}
    assert plan.settings.core.region in labels[edge.src]
    assert plan.settings.core.replica_region in labels[edge.dst]


def test_r7_r8_r18_traffic_path_internet_alb_target_groups_asgs_and_weighted_records(
    plans: Callable[[Phase], Plan],
) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_10)
    g = diagram.build(plan)
    edges = {(e.src, e.dst): e.label for e in g.edges}
    alb, tg_green, asg_green = "prod_alb_pay01", "prod_tg_green_pay01", "prod_asg_green_pay01"
    assert edges[("internet", alb)] == "HTTPS 443"
    assert edges[(alb, tg_green)] == "weight 100"
    assert edges[(alb, "prod_tg_blue_pay01")] == "weight 0"
    assert edges[(tg_green, asg_green)] == "HTTP 8080 /health"
    assert edges[("prod_app_green_record_pay01", alb)] == "alias"
    assert edges[("prod_app_dev_record_pay01", "dev_environment")] == "alias"
    assert ("prod_waf_pay01", alb) in edges
    labels = {n.id: n.label for n in g.nodes}
    assert f"{plan.settings.compute.green_instance_type} desired 3" in labels[asg_green]
    assert "weight 10" in labels["prod_app_green_record_pay01"]
    assert "weight 90" in labels["prod_app_dev_record_pay01"]


@pytest.mark.parametrize(
    ("phase", "writer"),
    [(Phase.INITIAL, "prod_dev_db_source_pay01"), (Phase.BLUE_GREEN, "prod_rds_pay01")],
)
def test_r5_6_r18_both_fleets_point_at_the_database_the_ssm_parameter_names(
    phase: Phase, writer: str, plans: Callable[[Phase], Plan]
) -> None:
    g = diagram.build(plans(phase))
    readers = {e.src for e in g.edges if e.label == diagram.WRITER_EDGE}
    targets = {e.dst for e in g.edges if e.label == diagram.WRITER_EDGE}
    assert targets == {writer}  # never two databases at once
    assert "dev_environment" in readers
    assert any(r.startswith("prod_asg_green") for r in readers)


def test_r8_2_r18_complete_draws_no_dev_record(plans: Callable[[Phase], Plan]) -> None:
    g = diagram.build(plans(Phase.COMPLETE))
    assert "prod_app_dev_record_pay01" not in g.node_ids()
    assert "prod_app_green_record_pay01" in g.node_ids()


@pytest.mark.parametrize("fmt", diagram.FORMATS)
def test_r18_every_arrow_joins_declared_boxes(fmt: str, plans: Callable[[Phase], Plan]) -> None:
    plan = plans(Phase.TRAFFIC_SHIFT_10)
    g = diagram.build(plan)
    ids = g.node_ids()
    assert all(e.src in ids and e.dst in ids for e in g.edges)
    text = diagram.render(plan, fmt)
    if fmt == "dot":
        assert text.startswith("digraph tap {") and text.count("{") == text.count("}")
        assert len(re.findall(r" -> ", text)) == len(g.edges)
    else:
        assert text.startswith("flowchart LR")
        assert text.count("subgraph ") == text.count("\n  end") + sum(
            1 for ln in text.splitlines() if ln.strip() == "end" and not ln.startswith("  end")
        )


def test_r18_unknown_format_is_a_tap_error_naming_the_allowed_ones(plans: Callable[[Phase], Plan]) -> None:
    with pytest.raises(diagram.DiagramError, match="mermaid, dot"):
        diagram.render(plans(Phase.INITIAL), "svg")


def test_r18_tap_diagram_writes_the_phase_diagram_to_a_file(
    tmp_path: Path, plans: Callable[[Phase], Plan]
) -> None:
    target = tmp_path / "arch.dot"
    result = CliRunner().invoke(
        app, ["diagram", "--phase", "snapshot", "--format", "dot", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_text() == diagram.render(plans(Phase.SNAPSHOT), "dot")


def test_r18_tap_diagram_rejects_a_bad_format_with_exit_2() -> None:
    result = CliRunner().invoke(app, ["diagram", "--format", "png"])
    assert result.exit_code == 2
    assert "mermaid, dot" in result.output
