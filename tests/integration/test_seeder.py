"""The seeder's registry (tap.emulator): every concern's step has exactly one builder, and a
concern nobody defined is refused rather than silently seeding less."""

from __future__ import annotations

import pytest

from tap.aws_clients import AwsClients
from tap.emulator.deployer import CONCERNS, CONTROLLER, deploy
from tap.emulator.registry import BUILDERS, STEPS
from tap.offline.plan import Plan


def test_every_concern_step_has_one_builder_and_every_builder_a_concern() -> None:
    keys = [k for ks in CONCERNS.values() for k in ks]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(BUILDERS) | set(STEPS)
    assert not set(BUILDERS) & set(STEPS)


def test_the_controller_concerns_are_concerns() -> None:
    assert set(CONTROLLER) <= set(CONCERNS)


def test_an_unknown_concern_is_refused_before_any_call(plan: Plan) -> None:
    with pytest.raises(ValueError, match=r"unknown seeder concerns \['vpcs'\]"):
        deploy(AwsClients(region="us-east-1", endpoint_url="http://127.0.0.1:9"), plan, ["vpc", "vpcs"])
