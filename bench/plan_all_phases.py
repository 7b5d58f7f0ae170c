"""Benchmark: render every phase offline in one process and print wall times.

A one-resource mock render in the same process is the baseline, so the ratio says how much
of the time is the program rather than the engine. Target: all phases <= 3 s here.
Run with `make bench`.
"""

from __future__ import annotations

import time

import pulumi
import pulumi_aws as aws

from tap.offline.config_file import find_example, load_values
from tap.offline.engine import FakeCloud, RecordingMonitor, render
from tap.phases import PHASES


def baseline() -> float:
    cloud = FakeCloud("us-east-1")
    pulumi.runtime.set_mocks(
        cloud, project="bench", stack="bench", preview=False, monitor=RecordingMonitor(cloud)
    )
    started = time.perf_counter()

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def one() -> pulumi.Output[str]:
        return aws.ec2.Vpc("bench-vpc", cidr_block="10.0.0.0/16").id

    one()
    return time.perf_counter() - started


def main() -> None:
    values = load_values(find_example())
    render(values)  # warm-up: imports and first-use costs are not what we measure
    base = min(baseline() for _ in range(3))
    total = 0.0
    print(f"{'phase':<20}{'resources':>10}{'seconds':>10}")
    for phase in PHASES:
        started = time.perf_counter()
        plan = render({**values, "migrationPhase": phase.value})
        took = time.perf_counter() - started
        total += took
        print(f"{phase.value:<20}{len(plan.managed):>10}{took:>10.3f}")
    print(f"{f'all {len(PHASES)} phases':<30}{total:>10.3f} s")
    print(f"{'one-resource baseline':<30}{base:>10.3f} s  (all phases = {total / base:.0f} x baseline)")


if __name__ == "__main__":
    main()
