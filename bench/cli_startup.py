"""Benchmark: how long a user waits for `tap` as a whole process (cold interpreter each time).

Prints the best of three wall times for `tap --version`, `tap plan` and, as the baseline,
`python -c "import pulumi, pulumi_aws"` (what any command that renders must import), and the
modules `import tap.cli.app` spends most on (`python -X importtime`). Target: `tap plan` under
1 s on an idle machine; on a loaded one, compare against the baseline. Run with `make bench`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
RUNS = 3


def best(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return min(times)


def heaviest_imports(n: int = 10) -> list[tuple[float, str]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import tap.cli.app"],
        check=True,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m and 6 <= len(m.group(2)) <= 8:  # what the command modules import
            rows.append((int(m.group(1)) / 1e6, m.group(2) + m.group(3)))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    tap = str(BIN / "tap")
    baseline = best([sys.executable, "-c", "import pulumi, pulumi_aws"])
    version = best([tap, "--version"])
    plan = best([tap, "plan"])
    print(f"import pulumi, pulumi_aws (baseline): {baseline:.2f} s")
    print(f"tap --version:                        {version:.2f} s")
    ratio = plan / baseline
    print(f"tap plan (cold process):              {plan:.2f} s  ({ratio:.1f} x baseline; target < 1 s idle)")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print("heaviest imports of tap.cli.app (cumulative s):")
    for seconds, name in heaviest_imports():
        print(f"  {seconds:6.3f} {name}")


if __name__ == "__main__":
    main()
