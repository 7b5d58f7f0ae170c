"""`tap cost`: monthly estimate per component, from the plan and the dated price table."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from tap.cli.common import ConfigOption, err, handles_errors, out, print_json, settings_values
from tap.cost.assumptions import Assumptions
from tap.cost.estimate import estimate
from tap.cost.model import COMPONENTS, Estimate
from tap.cost.prices import PriceTable, load
from tap.cost.report import usd
from tap.offline.engine import render
from tap.phases import PHASE_NAMES, PHASES, parse_phase


def _estimates(
    config: Path | None, phase: str | None, prices: PriceTable, assume: Assumptions
) -> list[Estimate]:
    phases = [parse_phase(phase)] if phase is not None else list(PHASES)
    result = []
    for p in phases:
        with err.status(f"Rendering {p.value} offline..."):
            plan = render(settings_values(config, p.value))
        result.append(estimate(plan, prices, assume))
    return result


def _show_assumptions(prices: PriceTable, assume: Assumptions) -> None:
    table = Table(
        title=f"assumptions (prices: {prices.region} on-demand, table dated {prices.as_of})",
        title_justify="left",
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("assumption")
    table.add_column("value", justify="right")
    table.add_column("meaning")
    for name, value, doc in assume.describe():
        table.add_row(name, f"{value:g}", doc)
    out.print(table)


AssumeOption = typer.Option(
    None,
    "--assume",
    "-a",
    help="Replace a usage assumption, e.g. --assume requests_per_second=200 (repeatable).",
)


@handles_errors
def cost_command(
    phase: str = typer.Option(
        None,
        "--phase",
        "-p",
        help="One phase's line items (default: every phase, by component). One of: " + ", ".join(PHASE_NAMES),
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    assume_pairs: list[str] = AssumeOption,
    config: Path = ConfigOption,
) -> None:
    """Estimate the monthly AWS cost per component for each phase (us-east-1 on-demand)."""
    prices, assume = load(), Assumptions().with_overrides(assume_pairs or [])
    estimates = _estimates(config, phase, prices, assume)
    if as_json:
        print_json(
            {
                "prices_as_of": prices.as_of,
                "region": prices.region,
                "assumptions": {name: value for name, value, _ in assume.describe()},
                "estimates": [e.as_json() for e in estimates],
            }
        )
        return
    if phase is not None:
        (e,) = estimates
        table = Table(
            title=f"{e.phase}: {usd(e.total)} per month",
            title_justify="left",
            show_edge=False,
            pad_edge=False,
        )
        for col in ("component", "item", "quantity (from the plan)"):
            table.add_column(col)
        table.add_column("per month", justify="right")
        for ln in e.lines:
            table.add_row(ln.component, ln.item, ln.quantity, usd(ln.monthly_usd))
        out.print(table)
    else:
        table = Table(
            title="monthly estimate per component and phase",
            title_justify="left",
            show_edge=False,
            pad_edge=False,
        )
        table.add_column("component")
        for e in estimates:
            table.add_column(e.phase, justify="right")
        per = [e.by_component() for e in estimates]
        for c in COMPONENTS:
            table.add_row(c, *(usd(p[c]) for p in per))
        table.add_row("[bold]total[/]", *(f"[bold]{usd(e.total)}[/]" for e in estimates))
        out.print(table)
    _show_assumptions(prices, assume)
