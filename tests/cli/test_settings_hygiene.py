"""Settings that used to be accepted silently, or refused naming the wrong key, and values that
the terminal used to mangle. Every bad-settings class exits 2 (README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tap.cli.app import app
from tap.errors import SettingsError
from tap.offline.config_file import load_values
from tap.settings import parse
from tests.conftest import EXAMPLE

runner = CliRunner()
EXAMPLE_TEXT = EXAMPLE.read_text()


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Pulumi.test.yaml"
    path.write_text(text)
    return path


def _with(tmp_path: Path, old: str, new: str) -> Path:
    assert old in EXAMPLE_TEXT
    return _file(tmp_path, EXAMPLE_TEXT.replace(old, new))


def _extra(tmp_path: Path, lines: str) -> Path:
    return _file(tmp_path, EXAMPLE_TEXT.replace("config:\n", "config:\n" + lines, 1))


def _problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(SettingsError) as caught:
        parse(load_values(path))
    return [(p.key, str(p)) for p in caught.value.problems]


def test_unprefixed_key_is_refused_with_did_you_mean(tmp_path: Path) -> None:
    [(key, text)] = _problems(_extra(tmp_path, "  greenMaxSize: 4\n"))
    assert key == "greenMaxSize" and "did you mean 'tap:greenMaxSize'" in text


def test_mistyped_namespace_is_refused_with_did_you_mean(tmp_path: Path) -> None:
    [(key, text)] = _problems(_extra(tmp_path, "  tpa:greenMaxSize: 4\n"))
    assert key == "tpa:greenMaxSize" and "did you mean 'tap:greenMaxSize'" in text


def test_unknown_namespace_is_refused(tmp_path: Path) -> None:
    [(key, _)] = _problems(_extra(tmp_path, "  payments:owner: me\n"))
    assert key == "payments:owner"


def test_the_aws_provider_namespace_is_accepted(tmp_path: Path) -> None:
    provider = "  aws:region: us-east-1\n  aws:skipMetadataApiCheck: 'true'\n"
    assert parse(load_values(_extra(tmp_path, provider)))


def test_provider_region_contradicting_tap_region_is_refused(tmp_path: Path) -> None:
    [(key, text)] = _problems(_extra(tmp_path, "  aws:region: eu-west-1\n"))
    assert key == "aws:region" and "us-east-1" in text


def test_a_key_given_twice_is_refused_exit_2(tmp_path: Path) -> None:
    path = _extra(tmp_path, "  tap:greenMaxSize: 4\n")
    result = runner.invoke(app, ["plan", "--config", str(path)])
    assert result.exit_code == 2
    assert "'tap:greenMaxSize' is given twice" in result.output


def test_certificate_in_another_region_than_the_load_balancer_is_refused(tmp_path: Path) -> None:
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f"
    [(key, text)] = _problems(_with(tmp_path, 'tap:certificateArn: ""', f"tap:certificateArn: {arn}"))
    assert key == "certificateArn" and "eu-west-1" in text and "us-east-1" in text


def test_an_absent_required_key_is_refused_like_an_empty_one(tmp_path: Path) -> None:
    line = next(x for x in EXAMPLE_TEXT.splitlines(keepends=True) if "tap:appArtifactUri" in x)
    [(key, text)] = _problems(_file(tmp_path, EXAMPLE_TEXT.replace(line, "")))
    assert key == "appArtifactUri" and "required" in text


def test_min_above_max_blames_the_minimum_not_the_desired_capacity(tmp_path: Path) -> None:
    path = _with(tmp_path, "tap:greenMinSize: 3", "tap:greenMinSize: 12")
    assert [k for k, _ in _problems(path)] == ["greenMinSize"]


def test_a_subnet_equal_to_the_vpc_blames_that_subnet_only(tmp_path: Path) -> None:
    path = _with(tmp_path, '"10.0.12.0/24"', '"10.0.0.0/16"')
    [(key, text)] = _problems(path)
    assert key == "privateSubnetCidrs" and "privateSubnetCidrs[1]" in text and "whole VPC" in text


def test_an_overlap_names_both_lists(tmp_path: Path) -> None:
    path = _with(tmp_path, '"10.0.12.0/24"', '"10.0.2.0/24"')
    [(key, text)] = _problems(path)
    assert key == "privateSubnetCidrs"
    assert "privateSubnetCidrs[1] overlaps publicSubnetCidrs[1] 10.0.2.0/24" in text


@pytest.mark.parametrize("value", ["team :secret:", "team [bold]x[/bold]"])
def test_a_rejected_value_is_echoed_verbatim(tmp_path: Path, value: str) -> None:
    path = _with(tmp_path, "tap:owner: platform-team", f"tap:owner: '{value}!'")
    result = runner.invoke(app, ["plan", "--config", str(path)])
    assert result.exit_code == 2
    assert f"'{value}!'" in result.output


def test_plan_tables_print_secret_arns_verbatim() -> None:
    result = runner.invoke(app, ["plan", "--phase", "traffic-shift-10", "--config", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert ":secret:rds!db-" in result.stdout
