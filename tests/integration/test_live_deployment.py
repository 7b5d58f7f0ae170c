"""R12.2, R17.4: checks of a real deployment, read from its flat outputs and AWS itself.

Run after `pulumi up` with AWS credentials:

    pulumi stack output --json | tap outputs --flat --from - --output cfn-outputs/flat-outputs.json
    TAP_FLAT_OUTPUTS=cfn-outputs/flat-outputs.json TAP_STACK_CONFIG=Pulumi.prod.yaml \\
        .venv/bin/python -m pytest tests/integration/test_live_deployment.py -v

TAP_STACK_CONFIG (default Pulumi.example.yaml) gives the thresholds the alarms must carry.
Without the outputs file, or without credentials, every test here is skipped with one reason.
A check whose outputs are null in the deployed phase (no prod DB in `initial`) is skipped
saying which outputs are missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tap.aws_clients import AwsClients
from tap.live.outputs import parse_outputs
from tap.live.verify_live import verify_outputs
from tap.offline.config_file import find_example, load_values
from tap.settings import parse
from tests.integration.checks import CHECKS, Check, Deployment, NotApplicable
from tests.integration.flat_outputs import FlatOutputs

OUTPUTS = Path(os.environ.get("TAP_FLAT_OUTPUTS", "cfn-outputs/flat-outputs.json"))


def _skip_reason() -> str | None:
    """One reason for the whole module, or None when a deployment is there to check."""
    if not OUTPUTS.is_file():
        return (
            f"no live deployment: flat outputs not found at {OUTPUTS} (set TAP_FLAT_OUTPUTS to the "
            "deployed stack's outputs (`pulumi stack output --json | tap outputs --flat --from -`); "
            "AWS credentials are needed too)"
        )
    # Only now ask boto3 for credentials: without an outputs file there is nothing to check, and
    # the lookup may probe the instance metadata endpoint.
    import boto3

    if boto3.session.Session(profile_name=os.environ.get("AWS_PROFILE") or None).get_credentials() is None:
        return f"no live deployment check: {OUTPUTS} exists but no AWS credentials are configured"
    return None


SKIP_REASON = _skip_reason()
pytestmark = [pytest.mark.live, pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]


@pytest.fixture(scope="module")
def live() -> Deployment:
    config = Path(os.environ["TAP_STACK_CONFIG"]) if os.environ.get("TAP_STACK_CONFIG") else find_example()
    settings = parse(load_values(config))
    outputs = FlatOutputs.load(OUTPUTS)
    return Deployment(AwsClients.from_environment(region=settings.core.region), outputs, settings)


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_r17_4_live_deployment_passes(check: Check, live: Deployment) -> None:
    missing = live.outputs.missing(check.needs)
    if missing:
        phase = live.outputs.values.get("migration_phase", "?")
        pytest.skip(f"{check.name}: the deployment (phase {phase}) has no {', '.join(missing)}")
    try:
        check(live)
    except NotApplicable as exc:
        pytest.skip(f"{check.name}: {exc}")


def test_r14_2_r17_4_tap_verify_live_passes_on_the_deployment(live: Deployment) -> None:
    """The network layout and the database's isolation: `tap verify --live`'s rules and
    reachability matrix (tap.live), on the deployed stack."""
    result = verify_outputs(live.clients, parse_outputs(live.outputs.values, live.outputs.source))
    assert [f.message for f in result.report.violations] == []
    assert [f"{c.question}: {c.actual}" for c in result.wrong_cells] == []
