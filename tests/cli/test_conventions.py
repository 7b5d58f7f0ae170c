"""CLI conventions: --version, shell completion, no `<bool>` metavar for flags, and
`tap local --check` saying that it passed."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from tap import __version__
from tap.cli.app import app
from tests.docs.test_cli_in_docs import _leaves

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"tap {__version__}"


def test_shell_completion_is_offered() -> None:
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


@pytest.mark.parametrize("name", [n for n, _ in _leaves()])
def test_flags_show_no_bool_metavar(name: str) -> None:
    result = runner.invoke(app, [*name.split(), "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.stdout


@pytest.mark.moto
def test_local_check_says_it_passed() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = runner.invoke(app, ["local", "--check", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert "check passed" in result.stderr
