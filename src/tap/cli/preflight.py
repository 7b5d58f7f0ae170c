"""`tap preflight`: read-only checks of the AWS account before the first `pulumi up` and before
each phase. Exit 0 when nothing failed (warnings and skips included), 1 when a check failed,
6 when nothing failed but some check could not run (credentials, endpoint, throttling,
permissions, DNS resolvers)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import typer
from rich.table import Table

from tap.aws_clients import AwsClients
from tap.cli.common import EXIT_FAILED, ConfigOption, err, handles_errors, out, print_json, settings_values
from tap.offline.engine import render
from tap.phase_plan import plan_for
from tap.phases import PHASE_NAMES, parse_phase
from tap.preflight.context import Address, PreflightContext
from tap.preflight.registry import CHECKS
from tap.preflight.result import Check, Status
from tap.preflight.runner import Report, run_checks
from tap.settings import parse

EXIT_UNCHECKED = 6
"""Nothing failed, but at least one check could not run: the account is not known to be ready."""
# Short timeouts: a preflight that cannot reach AWS should say so in seconds (retries as for every
# command: AWS_MAX_ATTEMPTS, see tap.aws_clients).
PREFLIGHT_CONNECT_TIMEOUT, PREFLIGHT_READ_TIMEOUT = 3, 15
STYLE = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "red",
    Status.SKIP: "dim",
    Status.ERROR: "magenta",
}


def _help() -> str:
    lines = [
        "Read-only checks of the AWS account before the first `pulumi up` and before each phase.",
        "",
        "Run it before every `pulumi up` with the phase that update deploys (--phase, default the "
        "settings file's migrationPhase); checks the phase does not need are skipped. Each result "
        "names what it read and what to do. Exit codes: 0 nothing failed (warnings allowed); "
        f"{EXIT_FAILED} a check failed; {EXIT_UNCHECKED} nothing failed but a check could not run "
        "(no credentials, endpoint down, throttled, permission missing, DNS resolvers silent); "
        "2 bad settings or options.",
        "",
        "Checks:",
        "",
        "\b",
    ]
    lines += [f"  {c.name} ({c.need.label}): {c.summary}" for c in CHECKS]
    return "\n".join(lines)


PhaseOption = typer.Option(
    None,
    "--phase",
    "-p",
    help="Phase the next `pulumi up` deploys (default: the settings file's). One of: "
    + ", ".join(PHASE_NAMES),
)
JsonOption = typer.Option(False, "--json", help="Machine-readable output.")
ResolverOption = typer.Option(
    None,
    "--resolver",
    help="DNS resolver for zone-delegation, IP[:port]; repeatable (default: the system's).",
)
DevEndpointOption = typer.Option(
    None,
    "--dev-endpoint",
    help="HOST[:PORT] to reach dev's load balancer (default: the blue-development target, 443).",
)
CaBundleOption = typer.Option(
    None,
    "--ca-bundle",
    help="CA certificates (PEM) that dev-endpoint trusts (default: the system's).",
    exists=True,
    dir_okay=False,
)
TimeoutOption = typer.Option(5.0, "--timeout", min=0.1, max=60, help="Seconds per DNS or HTTPS probe.")


def _show(report: Report) -> None:
    table = Table(
        title=f"preflight before phase {report.phase}", title_justify="left", show_edge=False, pad_edge=False
    )
    for col in ("check", "result", "found", "what to do", "read"):
        table.add_column(col, overflow="fold")
    for r in report.results:
        status = f"[{STYLE[r.status]}]{r.status.value.upper()}[/]"
        table.add_row(r.name, status, r.message, r.action, f"[dim]{r.read}[/]")
    out.print(table)
    out.print(f"[bold]{report.summary()}[/]")


@handles_errors
def preflight_command(
    phase: str = PhaseOption,
    as_json: bool = JsonOption,
    resolver: list[str] = ResolverOption,
    dev_endpoint: str = DevEndpointOption,
    ca_bundle: Path = CaBundleOption,
    timeout: float = TimeoutOption,
    config: Path = ConfigOption,
) -> None:
    values = settings_values(config, phase)
    if phase is not None:
        parse_phase(phase)
    settings = parse(values)
    clients = dataclasses.replace(
        AwsClients.from_environment(settings.core.region),
        connect_timeout=PREFLIGHT_CONNECT_TIMEOUT,
        read_timeout=PREFLIGHT_READ_TIMEOUT,
    )
    ctx = PreflightContext(
        settings=settings,
        phase_plan=plan_for(settings.core.migration_phase, settings.fleet_sizes),
        clients=clients,
        render_plan=lambda: render(values),
        resolvers=tuple(Address.parse("--resolver", r, 53) for r in resolver or ()),
        dev_endpoint=Address.parse("--dev-endpoint", dev_endpoint, 443) if dev_endpoint else None,
        ca_bundle=ca_bundle,
        timeout_seconds=timeout,
    )
    with err.status("preflight...") as status:

        def started(check: Check) -> None:
            status.update(f"preflight: {check.name}...")

        report = run_checks(CHECKS, ctx, started)
    if as_json:
        print_json(
            {
                "phase": report.phase,
                "summary": {s.value: report.count(s) for s in Status},
                "results": [r.as_json() for r in report.results],
            }
        )
    else:
        _show(report)
    if report.failed:
        raise typer.Exit(EXIT_FAILED)
    if report.unchecked:
        raise typer.Exit(EXIT_UNCHECKED)


preflight_command.__doc__ = _help()
