"""`tap rehearse`: the whole cutover, rehearsed on a laptop against the AWS API emulator.

Starts a moto server process on 127.0.0.1 (a free port), builds the offline plan of the
settings in it with the seeder the tests use, runs status, advance, an injected alarm and
rollback through the real controller on simulated time, and stops the server again, on
success, failure or Ctrl-C.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from tap.cli.common import ConfigOption, err, handles_errors, out, settings_values
from tap.emulator.server import EmulatorProcess
from tap.errors import TapError

if TYPE_CHECKING:
    from tap.emulator.rehearsal import Step


class RehearsalInterrupted(TapError):
    exit_code = 5  # like an interrupted `tap migrate`


BANNER = (
    "REHEARSAL on a local AWS API emulator (moto on {endpoint}): nothing here touches AWS. "
    "Stood in for: the account (the offline plan of your settings, built in the emulator), `pulumi up` "
    "(it sets the phase parameter and the weights), traffic (healthy metrics) and time (a bake "
    "takes no wall time)."
)


@handles_errors
def rehearse_command(
    config: Path = ConfigOption,
    as_json: bool = typer.Option(False, "--json", help="Machine-readable steps."),
) -> None:
    """Rehearse the cutover on a local emulator: status, advance, an injected alarm, rollback."""
    from tap.emulator.rehearsal import START_PHASE, rehearse
    from tap.offline.engine import render

    # The offline plan of these settings at the phase the rehearsal starts in is what the
    # seeder builds (a settings error stops here, before anything is started).
    plan = render({**settings_values(config), "migrationPhase": START_PHASE.value})
    emulator = EmulatorProcess()
    started = time.perf_counter()
    endpoint = emulator.start()
    pid = emulator.pid
    try:
        if not as_json:
            out.print(f"[bold yellow]{escape(BANNER.format(endpoint=endpoint))}[/]")

        def show(s: Step) -> None:
            if as_json:
                return
            colour = "green" if s.outcome == "ok" else "yellow"
            out.print(
                f"[bold]{escape(s.title)}[/] [{colour}]{escape(s.outcome)}[/]: phase "
                f"{escape(s.phase)}, weights blue={s.weights['blue']} green={s.weights['green']}"
            )
            for line in s.detail:
                out.print(f"    {line}", markup=False, highlight=False)

        steps = rehearse(endpoint, plan, show)
    except KeyboardInterrupt:
        raise RehearsalInterrupted(
            f"rehearsal interrupted (Ctrl-C); the emulator on {endpoint} is stopped, nothing was left running"
        ) from None
    finally:
        emulator.stop()
    seconds = time.perf_counter() - started
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "rehearsal": True,
                    "label": BANNER.format(endpoint=endpoint),
                    "endpoint": endpoint,
                    "emulator_pid": pid,
                    "seconds": round(seconds, 2),
                    "steps": [s.__dict__ for s in steps],
                },
                indent=2,
            )
        )
    else:
        done = f"rehearsal finished in {seconds:.1f} s; the emulator on {endpoint} is stopped"
        err.print(done, markup=False)
