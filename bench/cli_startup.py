"""Benchmark: how long a user waits for `tap` as a whole process (a cold interpreter each time).

Prints the median of five back-to-back runs, wall and CPU (user + system) seconds, of:
- `python -c "import pulumi, pulumi_aws"`: the floor of any command that renders;
- `tap --version`;
- `tap plan --no-cache`: a cold process that renders through the mock engine;
- `tap plan` with its render cache filled: what a repeated `tap plan` costs.
and what a rendering `tap plan` spends its imports on, per package (`python -X importtime`).

Target: a cold `tap plan` under 1 s. CPU seconds are the figure to compare on a shared machine
(wall time grows with the load average, printed too). The runs use a fresh cache directory and
Python's bytecode cache as a user's virtualenv has it after its first run (if
PYTHONDONTWRITEBYTECODE is set here, it is dropped for the runs and the line says so).
Run with `make bench`.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
RUNS = 5


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Median wall and CPU seconds of RUNS runs, one after another."""
    walls, cpus = [], []
    for _ in range(RUNS):
        cpu, started = _children_cpu(), time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def imports_by_package(env: dict[str, str], n: int = 12) -> list[tuple[float, str]]:
    """Self time of every module `tap plan --no-cache` imports, summed per package
    (pulumi_aws per submodule: its `__init__` imports a submodule only when first used)."""
    run = "import sys; sys.argv = ['tap', 'plan', '--no-cache']; from tap.cli.app import main; main()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", run], capture_output=True, text=True, env=env, check=False
    )
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \| *(\S+)", line)
        if m:
            parts = m.group(2).split(".")
            package = ".".join(parts[:2]) if parts[0] == "pulumi_aws" and len(parts) > 1 else parts[0]
            totals[package] = totals.get(package, 0.0) + int(m.group(1)) / 1e6
    return sorted(((s, p) for p, s in totals.items()), reverse=True)[:n]


def main() -> None:
    tap = str(BIN / "tap")
    with tempfile.TemporaryDirectory(prefix="tap-bench-cache-") as cache:
        env = {**os.environ, "TAP_CACHE_DIR": cache}
        dropped = env.pop("PYTHONDONTWRITEBYTECODE", None) is not None
        subprocess.run([tap, "plan"], check=True, stdout=subprocess.DEVNULL, env=env)  # .pyc + cache
        rows = [
            ("import pulumi, pulumi_aws", median([sys.executable, "-c", "import pulumi, pulumi_aws"], env)),
            ("tap --version", median([tap, "--version"], env)),
            ("tap plan --no-cache (cold, renders)", median([tap, "plan", "--no-cache"], env)),
            ("tap plan (cold, render cache hit)", median([tap, "plan"], env)),
        ]
        packages = imports_by_package(env)
    print(f"median of {RUNS} back-to-back runs; load average {os.getloadavg()[0]:.1f}")
    if dropped:
        print("(PYTHONDONTWRITEBYTECODE dropped for these runs: a user's venv keeps its .pyc files)")
    print(f"{'':38}{'wall s':>8}{'cpu s':>8}")
    for label, (wall, cpu) in rows:
        print(f"{label:38}{wall:8.2f}{cpu:8.2f}")
    print("target: a cold `tap plan` under 1 s")
    print("what `tap plan --no-cache` imports, wall s per package (self time, summed):")
    for seconds, name in packages:
        print(f"  {seconds:6.3f} {name}")


if __name__ == "__main__":
    main()
