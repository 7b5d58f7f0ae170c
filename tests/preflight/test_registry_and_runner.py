"""The registry and the runner: phase-aware skips decided by the phase machine, AWS failures
turned into "could not check", and a dead endpoint that stops the AWS checks quickly."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tap.aws_clients import AwsClients
from tap.phase_plan import plan_for
from tap.phases import PHASES, Phase
from tap.preflight.registry import CHECKS, MODULES
from tap.preflight.result import Check, CheckResult, Status, passed
from tap.preflight.runner import run_checks, run_one
from tests.preflight.conftest import context


def test_check_names_are_unique_and_every_module_contributes() -> None:
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names))
    assert all(m.CHECKS for m in MODULES)


@pytest.mark.parametrize("phase", PHASES, ids=[p.value for p in PHASES])
def test_a_check_is_skipped_exactly_when_its_need_says_so(phase: Phase) -> None:
    plan = plan_for(phase, context(AwsClients()).settings.fleet_sizes)
    ctx = context(AwsClients(), phase=phase)
    for check in CHECKS:
        if not check.need.applies(plan):
            result = run_one(check, ctx)
            assert result.status is Status.SKIP and check.need.otherwise in result.message


def test_dev_checks_stop_once_dev_retires_and_dev_endpoint_once_its_record_goes() -> None:
    complete = plan_for(Phase.COMPLETE, context(AwsClients()).settings.fleet_sizes)
    by_name = {c.name: c for c in CHECKS}
    assert not by_name["dev-endpoint"].need.applies(complete)
    assert not by_name["dev-db-binlog-format"].need.applies(complete)
    assert by_name["autoscaling-service-role"].need.applies(complete)


def _boom(ctx: object) -> CheckResult:
    raise KeyError("surprise")


def test_an_unexpected_exception_is_a_message_not_a_traceback() -> None:
    result = run_one(Check("boom", "raises", _boom), context(AwsClients()))
    assert result.status is Status.ERROR and "a bug in tap" in result.message and result.name == "boom"


def _dead_endpoint() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # closed again: connections are refused


def _run_two_aws_and_one_local(clients: AwsClients) -> tuple[CheckResult, ...]:
    local = Check("local", "no AWS", lambda ctx: passed("here", "fine"), uses_aws=False)
    report = run_checks((CHECKS[0], CHECKS[1], local), context(clients))
    assert report.unchecked and not report.failed
    return report.results


def test_unreachable_endpoint_stops_the_remaining_aws_checks_but_not_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    clients = AwsClients(
        region="us-east-1", endpoint_url=_dead_endpoint(), max_attempts=1
    )
    first, second, third = _run_two_aws_and_one_local(clients)
    assert first.status is Status.ERROR and "the AWS endpoint did not answer" in first.message
    assert second.status is Status.ERROR and second.message.startswith("not attempted")
    assert third.status is Status.PASS


def test_missing_credentials_is_a_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    clients = AwsClients(region="us-east-1", endpoint_url=_dead_endpoint())
    first, second, _ = _run_two_aws_and_one_local(clients)
    assert "no AWS credentials were found" in first.message
    assert second.message.startswith("not attempted: no AWS credentials were found")


def test_every_aws_check_declares_its_read_only_iam_actions() -> None:
    """The runbook's permissions table is generated from these."""
    writes = ("Create", "Put", "Delete", "Update", "Modify", "Set", "Request")
    for check in CHECKS:
        assert check.permissions, check.name
        if check.uses_aws:
            for action in check.permissions:
                service, _, name = action.partition(":")
                assert service and name and not name.startswith(writes), (check.name, action)
