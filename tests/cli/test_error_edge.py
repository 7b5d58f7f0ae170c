"""Every `tap` command against every failure class a user can cause or meet: a message and a
documented exit code, never a traceback.

The commands are read from the typer app itself, so a command another module registers later
(`tap db ...`, `tap preflight`) is covered without editing this file.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import typer.core
import typer.main
from typer.testing import CliRunner, Result

from tap.cli.app import app
from tap.offline.plan import Plan
from tap.outputs import flatten
from tests.cli.fake_aws import failing_endpoint
from tests.conftest import EXAMPLE

runner = CliRunner()
DOCUMENTED_EXIT_CODES = frozenset(range(8))  # README "Exit codes" and `tap --help`
# Commands that never call AWS with the caller's credentials (offline, or their own emulator).
OFFLINE = frozenset({"plan", "outputs", "cost", "diagram", "local", "rehearse"})
FAKE_KEYS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
NO_RETRIES = {
    "AWS_MAX_ATTEMPTS": "1",  # the one retry knob (tap.aws_clients): each call fails at once
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_REGION": "us-east-1",
}


def leaf_commands() -> list[tuple[tuple[str, ...], Any]]:
    found: list[tuple[tuple[str, ...], Any]] = []

    def walk(prefix: tuple[str, ...], cmd: Any) -> None:
        if isinstance(cmd, typer.core.TyperGroup):
            for name, sub in cmd.commands.items():
                walk((*prefix, name), sub)
        else:
            found.append((prefix, cmd))

    walk((), typer.main.get_command(app))
    return found


COMMANDS = leaf_commands()
AWS_COMMANDS = [(path, cmd) for path, cmd in COMMANDS if path[0] not in OFFLINE]


def _options(cmd: Any) -> dict[str, typer.core.TyperOption]:
    return {p.name: p for p in cmd.params if isinstance(p, typer.core.TyperOption) and p.name}


def argv(path: tuple[str, ...], cmd: Any, config: Path, outputs: Path | None, dry_run: bool) -> list[str]:
    """The command with every option that points it at a settings file, at outputs and at AWS."""
    args = list(path)
    for name, opt in _options(cmd).items():
        flag = opt.opts[0]
        if name == "config":
            args += [flag, str(config)]
        elif name in ("outputs", "stack_json") and outputs is not None:
            args += [flag, str(outputs)]
        elif (name == "live" and outputs is not None) or name == "yes" or (name == "dry_run" and dry_run):
            args.append(flag)
        elif name == "check":
            args.append(flag)  # `tap local --check`: start, one call, stop (never serve forever)
    return args


def assert_clean(result: Result, args: list[str]) -> None:
    shown = f"tap {' '.join(args)} -> exit {result.exit_code}\n{result.output}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback from {shown}") from result.exception
    assert "Traceback" not in result.output, shown
    assert "unexpected" not in result.output, shown
    assert result.exit_code in DOCUMENTED_EXIT_CODES, shown
    if result.exit_code not in (0, 1):
        assert result.output.strip(), f"no message: {shown}"


# -- bad settings files ---------------------------------------------------------------------------
BAD_SETTINGS = {
    "top-level-list": "- tap:region: us-east-1\n",
    "top-level-scalar": "42\n",
    "yaml-syntax-error": "config:\n  tap:region: [us-east-1\n",
    "config-not-a-mapping": "config: [tap:region]\n",
    "key-given-twice": "config:\n  tap:owner: a\n  tap:owner: b\n",
}
WITH_CONFIG = [(p, c) for p, c in COMMANDS if "config" in _options(c)]


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_every_command_refuses_a_bad_settings_file_with_exit_2(tmp_path: Path, case: str) -> None:
    assert len(WITH_CONFIG) >= 9, [p for p, _ in WITH_CONFIG]
    config = tmp_path / "Pulumi.bad.yaml"
    config.write_text(BAD_SETTINGS[case])
    for path, cmd in WITH_CONFIG:
        args = argv(path, cmd, config, None, dry_run=True)
        result = runner.invoke(app, args)
        assert_clean(result, args)
        assert result.exit_code == 2, f"{args}: {result.output}"
        assert "Pulumi.bad.yaml" in result.output, result.output


# -- AWS failure classes --------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _quiet_emulator_log() -> Iterator[None]:
    """moto's in-process server logs its own internal errors (an API it lacks) through werkzeug
    into whatever stream CliRunner has swapped in; that is the emulator's trace, not tap's."""
    log = logging.getLogger("werkzeug")
    level = log.level
    log.setLevel(logging.CRITICAL)
    yield
    log.setLevel(level)


@pytest.fixture(scope="module")
def deployed_outputs(tmp_path_factory: pytest.TempPathFactory, plan: Plan) -> Path:
    """Flat outputs with the shape of a deployed stack's (no offline mark)."""
    path = tmp_path_factory.mktemp("deployed") / "flat-outputs.json"
    path.write_text(json.dumps(flatten(plan.outputs)))
    return path


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_aws_commands(
    env: Mapping[str, str | None], outputs: Path, *, both_variants: bool = False
) -> Iterator[tuple[list[str], Result]]:
    """Every AWS command once as is (no --dry-run); with both_variants also with --dry-run."""
    assert AWS_COMMANDS, "no command talks to AWS?"
    for path, cmd in AWS_COMMANDS:
        for dry_run in (False, True) if both_variants else (False,):
            if dry_run and "dry_run" not in _options(cmd):
                continue
            if tuple(path) == ("migrate", "rollback") and not dry_run:
                # A real rollback keeps retrying Route53 until its deadline (minutes, by design:
                # rollback always wins); tests/migration/test_cli_under_faults.py runs it under
                # every failure class on a simulated clock. Its --dry-run variant runs here.
                continue
            args = argv(path, cmd, EXAMPLE, outputs, dry_run)
            result = runner.invoke(app, args, env=env)
            assert_clean(result, args)
            yield args, result


def _exit_codes(env: dict[str, Any], outputs: Path) -> dict[str, int]:
    return {" ".join(args): r.exit_code for args, r in run_aws_commands(env, outputs, both_variants=True)}


def test_no_credentials_is_a_message_and_exit_6(deployed_outputs: Path, tmp_path: Path) -> None:
    env: dict[str, str | None] = {
        **NO_RETRIES,
        "AWS_ACCESS_KEY_ID": None,
        "AWS_SECRET_ACCESS_KEY": None,
        "AWS_SESSION_TOKEN": None,
        "AWS_PROFILE": None,
        "TAP_AWS_ENDPOINT_URL": None,
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
    }
    codes = _exit_codes(env, deployed_outputs)
    # `migrate status` prints what it could read, then exits 6 like every command that cannot
    # use AWS (docs/controller.md)
    assert codes["migrate status --config " + str(EXAMPLE) + " --outputs " + str(deployed_outputs)] == 6
    assert 6 in codes.values()


def test_endpoint_down_is_a_message_and_exit_6(deployed_outputs: Path) -> None:
    env = {**NO_RETRIES, **FAKE_KEYS, "TAP_AWS_ENDPOINT_URL": f"http://127.0.0.1:{_closed_port()}"}
    results = list(run_aws_commands(env, deployed_outputs))
    status = [r for a, r in results if a[:2] == ["migrate", "status"] and "--dry-run" not in a]
    # status prints what it could read (the phase, from the outputs), names the failure class
    # and exits 6
    assert status[0].exit_code == 6 and "did not answer" in status[0].output
    assert "phase" in status[0].stdout and "status is incomplete" in status[0].stderr
    assert any(r.exit_code == 6 for _, r in results)


@pytest.mark.moto
def test_nothing_deployed_is_a_message_and_exit_7(deployed_outputs: Path, moto_clients: Any) -> None:
    env = {**NO_RETRIES, **FAKE_KEYS, "TAP_AWS_ENDPOINT_URL": moto_clients.endpoint_url}
    results = list(run_aws_commands(env, deployed_outputs))
    status = [r for a, r in results if a[:2] == ["migrate", "status"] and "--dry-run" not in a]
    # status prints what it could read and exits 7, as a command that needs the missing
    # resource does
    assert status[0].exit_code == 7, status[0].output
    assert "does not know the resource" in status[0].output
    assert any(r.exit_code == 7 for _, r in results)


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (500, "InternalFailure", "server error"),
        (503, "ServiceUnavailable", "server error"),
        (400, "ThrottlingException", "throttled"),
        (403, "AccessDeniedException", "lack a permission"),
    ],
)
def test_aws_errors_by_class_are_a_message_and_exit_6(
    deployed_outputs: Path, status: int, code: str, words: str
) -> None:
    with failing_endpoint(status, code) as endpoint:
        env = {**NO_RETRIES, **FAKE_KEYS, "TAP_AWS_ENDPOINT_URL": endpoint}
        results = list(run_aws_commands(env, deployed_outputs))
    live = [r for a, r in results if a[0] == "verify"]
    assert live[0].exit_code == 6 and words in live[0].output, live[0].output
