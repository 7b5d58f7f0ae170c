"""The controller's decisions without any AWS: analysis verdicts and what resume does."""

from __future__ import annotations

import pytest

from tap.migration.dns import ObservedWeights
from tap.migration.gates import AnalysisSpec, Verdict, evaluate_analysis
from tap.migration.resume import ResumeAction, resume_action
from tap.phase_plan import plan_for
from tap.phases import Phase
from tap.settings import Settings

SPEC = AnalysisSpec(
    error_rate_percent=1.0, p99_latency_seconds=1.0, unhealthy_hosts_threshold=2, window_seconds=60
)


def data(**over: list[float]) -> dict[str, list[float]]:
    return {"errors": [], "requests": [1000.0], "latency": [0.2], "unhealthy": [0.0]} | over


@pytest.mark.parametrize(
    ("window", "verdict"),
    [
        (data(), Verdict.PASS),
        (data(errors=[10.0]), Verdict.PASS),  # exactly 1 %: the limit itself is allowed
        (data(errors=[11.0]), Verdict.FAIL),
        (data(latency=[0.3, 1.2]), Verdict.FAIL),  # the worst minute counts
        (data(unhealthy=[2.0]), Verdict.FAIL),
        (data(requests=[]), Verdict.INCONCLUSIVE),
        (data(requests=[0.0]), Verdict.INCONCLUSIVE),
        (data(latency=[]), Verdict.INCONCLUSIVE),
        (data(unhealthy=[]), Verdict.INCONCLUSIVE),
    ],
    ids=[
        "healthy",
        "at-limit",
        "5xx",
        "latency",
        "unhealthy",
        "no-requests",
        "zero-requests",
        "no-latency",
        "no-unhealthy-metric",
    ],
)
def test_r15_1_analysis_verdicts(window: dict[str, list[float]], verdict: Verdict) -> None:
    assert evaluate_analysis(window, SPEC).verdict == verdict


def test_r15_1_error_rate_is_summed_over_the_window() -> None:
    result = evaluate_analysis(data(errors=[5.0, 10.0], requests=[500.0, 500.0]), SPEC)
    assert result.values["error_rate_percent"] == 1.5 and result.verdict == Verdict.FAIL


def w(blue: int | None, green: int) -> ObservedWeights:
    return ObservedWeights(blue, green)


@pytest.mark.parametrize(
    ("deployed", "observed", "failed", "action"),
    [
        (Phase.BLUE_GREEN, w(100, 0), False, ResumeAction.RERUN),  # died before the update
        (Phase.BLUE_GREEN, w(100, 0), True, ResumeAction.RERUN),  # update failed, changed nothing
        (Phase.TRAFFIC_SHIFT_10, w(90, 10), False, ResumeAction.JUDGE),  # died before writing the result
        (
            Phase.TRAFFIC_SHIFT_10,
            w(90, 10),
            True,
            ResumeAction.REAPPLY,
        ),  # failed update: never judged as done
        (Phase.BLUE_GREEN, w(90, 10), False, ResumeAction.REAPPLY),  # weights moved, stack not
        (Phase.TRAFFIC_SHIFT_10, w(100, 0), False, ResumeAction.ROLLBACK),  # a rollback died half way
        (Phase.TRAFFIC_SHIFT_10, w(100, 10), False, ResumeAction.ROLLBACK),  # one record moved
    ],
)
def test_r15_3_resume_decides_from_deployed_phase_and_observed_weights(
    settings: Settings, deployed: Phase, observed: ObservedWeights, failed: bool, action: ResumeAction
) -> None:
    sizes = settings.fleet_sizes
    got = resume_action(
        plan_for(Phase.BLUE_GREEN, sizes),
        plan_for(Phase.TRAFFIC_SHIFT_10, sizes),
        deployed,
        observed,
        failed=failed,
    )
    assert got == action


def test_r15_3_resume_never_adds_green_traffic_from_an_unexplained_state(settings: Settings) -> None:
    sizes = settings.fleet_sizes
    src, dst = plan_for(Phase.TRAFFIC_SHIFT_10, sizes), plan_for(Phase.TRAFFIC_SHIFT_50, sizes)
    for blue in range(0, 101, 10):
        for green in range(0, 101, 10):
            observed = w(blue, green)
            for deployed in (Phase.TRAFFIC_SHIFT_10, Phase.TRAFFIC_SHIFT_50):
                action = resume_action(src, dst, deployed, observed, failed=False)
                if action in (ResumeAction.JUDGE, ResumeAction.REAPPLY):
                    # Only ever continue when 50 % is already what clients are served.
                    assert (blue, green) == (50, 50)
