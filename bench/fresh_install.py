"""Benchmark: the first `make plan` on a fresh machine, i.e. `make .venv/.installed` in a fresh
copy of the committed tree, once with an empty uv cache (everything downloaded) and once with
the cache that run left (a second clone on the same machine). Target: under 30 s.
Run with `make bench` (it takes a minute or two and needs network access to PyPI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_copy(into: Path) -> Path:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def install(tree: Path, cache: Path) -> float:
    env = {**os.environ, "UV_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    subprocess.run(["make", ".venv/.installed"], cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tap-fresh-") as tmp:
        base = Path(tmp)
        cache = base / "uv-cache"
        cold = install(fresh_copy(base / "clone-1"), cache)
        warm = install(fresh_copy(base / "clone-2"), cache)
        shutil.rmtree(cache, ignore_errors=True)
    print(f"make .venv/.installed, empty uv cache: {cold:.1f} s (target < 30 s)")
    print(f"make .venv/.installed, warm uv cache:  {warm:.1f} s")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
