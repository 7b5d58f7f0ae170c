"""Benchmark: how long a user waits for `tap` as a whole process (a cold interpreter each time).

Prints the median of five back-to-back runs, wall and CPU (user + system) seconds, of:
- `python -c "import pulumi, pulumi_aws"`: what any command that renders pays first;
- a process importing pulumi and only the pulumi_aws packages a render imports (found from the
  render's own `-X importtime`): the floor of a render, spent in pulumi_aws's generated types.
  Each package's `__init__` imports every resource and type of that service, and Python runs a
  package's `__init__` before any module in it, so tap cannot import less of them;
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

import importlib.util
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


def imports_by_package(env: dict[str, str]) -> dict[str, float]:
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
    return totals


def aws_floor_argv(packages: dict[str, float]) -> tuple[int, list[str]]:
    """A process that imports only pulumi and the pulumi_aws packages a render imported: the
    floor of any command that renders. Reading a non-dunder attribute loads a package that
    pulumi_aws's `__init__` registered lazily; its own `__init__` then imports all its resources."""
    spec = importlib.util.find_spec("pulumi_aws")
    root = Path(next(iter(spec.submodule_search_locations or []))) if spec else Path()
    names = sorted(p.split(".")[1] for p in packages if p.startswith("pulumi_aws."))
    names = [name for name in names if (root / name / "__init__.py").is_file()]
    load = "getattr(getattr(pulumi_aws, name), 'any_member', None)"
    code = f"import pulumi, pulumi_aws\nfor name in {names!r}: {load}"
    return len(names), [sys.executable, "-c", code]


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
        count, floor = aws_floor_argv(packages)
        rows.insert(1, (f"import pulumi + the {count} pulumi_aws packages", median(floor, env)))
    print(f"median of {RUNS} back-to-back runs; load average {os.getloadavg()[0]:.1f}")
    if dropped:
        print("(PYTHONDONTWRITEBYTECODE dropped for these runs: a user's venv keeps its .pyc files)")
    print(f"{'':46}{'wall s':>8}{'cpu s':>8}")
    for label, (wall, cpu) in rows:
        print(f"{label:46}{wall:8.2f}{cpu:8.2f}")
    print("target: a cold `tap plan` under 1 s")
    print("what `tap plan --no-cache` imports, wall s per package (self time, summed):")
    print("(the second row is the floor of a render: pulumi_aws's generated types, outside tap)")
    for seconds, name in sorted(((s, p) for p, s in packages.items()), reverse=True)[:12]:
        print(f"  {seconds:6.3f} {name}")


if __name__ == "__main__":
    main()
