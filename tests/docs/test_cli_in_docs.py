"""Every `tap ...` command line in README.md and docs/*.md parses against the real CLI (click's
own parser, values unchecked), so the docs and the CLI cannot drift: a renamed option, a removed
short flag or a subcommand that does not exist fails here. Also the CLI conventions: one meaning
per short flag across commands, and no requirement ids in help text (the spec is not shipped)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.core
import typer.main
from typer._click.core import Context  # typer 0.29 vendors click

from tap.cli.app import app
from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
INLINE = re.compile(r"`(tap [^`]+)`")
SHELL_STOP = re.compile(r"\s(?:\||&&|;|>|2>|#)\s|\s\\$|\s#$")
ROOT_COMMAND = typer.main.get_command(app)


def _command_lines(path: Path) -> list[tuple[str, str]]:
    """(where, command) for inline `tap ...` spans and `tap ...` lines in code blocks."""
    found: list[tuple[str, str]] = []
    text = path.read_text().replace("\\\n", " ")
    in_block = False
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{path.name}:{number}"
        if line.lstrip().startswith("```"):
            in_block = not in_block
            continue
        if in_block:
            for part in re.split(r"\|\s|&&|;", line):
                part = part.strip().removeprefix("$ ")
                if part.startswith("tap ") or part == "tap":
                    found.append((where, part))
        else:
            found += [(where, m) for m in INLINE.findall(line)]
    return found


def _tokens(command: str) -> list[str]:
    command = SHELL_STOP.split(command + " ")[0]
    command = re.sub(r"\$\([^)]*\)", "VALUE", command)  # $(jq -r ... ) substitutions
    tokens = shlex.split(command.replace("[", " ").replace("]", " "))[1:]
    return [t for t in tokens if t not in ("...", "|")]


CASES = [(where, cmd) for doc in DOCS for where, cmd in _command_lines(doc)]


def _resolve(tokens: list[str]) -> tuple[Any, list[str], list[str]]:
    cmd, path = ROOT_COMMAND, list[str]()
    while isinstance(cmd, typer.core.TyperGroup) and tokens and not tokens[0].startswith("-"):
        name = tokens.pop(0)
        assert name in cmd.commands, f"no command {' '.join([*path, name])!r}"
        cmd, path = cmd.commands[name], [*path, name]
    return cmd, path, tokens


def test_the_docs_mention_enough_commands_to_be_checked() -> None:
    assert len(CASES) >= 40, CASES


@pytest.mark.parametrize(("where", "command"), CASES, ids=[w for w, _ in CASES])
def test_documented_command_lines_parse(where: str, command: str) -> None:
    cmd, path, args = _resolve(_tokens(command))
    if isinstance(cmd, typer.core.TyperGroup):
        assert not args or args[0].startswith("-"), f"{where}: {command}"
        args = [a for a in args if a in ("--help", "--version", "--install-completion", "--show-completion")]
    # The command's own option parser: unknown options, missing option values and surplus
    # arguments fail; values are not converted (PHASE, FILE are placeholders).
    ctx = Context(cmd, info_name=" ".join(["tap", *path]))
    _, rest, _ = cmd.make_parser(ctx).parse_args(args)
    arguments = [p for p in cmd.params if p.param_type_name == "argument"]
    assert len(rest) <= sum(max(a.nargs, 0) if a.nargs != -1 else len(rest) for a in arguments), (
        f"{where}: surplus arguments {rest} in {command!r}"
    )


def _leaves() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        if isinstance(cmd, typer.core.TyperGroup):
            for name, sub in cmd.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            out.append((prefix, cmd))

    walk("", ROOT_COMMAND)
    return out


def test_each_short_flag_means_one_thing_across_commands() -> None:
    meaning: dict[str, set[str]] = {}
    for _, cmd in _leaves():
        for param in cmd.params:
            long = next((o for o in param.opts if o.startswith("--")), None)
            for short in (o for o in param.opts if re.fullmatch(r"-[A-Za-z]", o)):
                meaning.setdefault(short, set()).add(long or "")
    clashes = {s: sorted(m) for s, m in meaning.items() if len(m) > 1}
    assert not clashes, clashes


def test_help_text_cites_no_requirement_ids() -> None:
    spec_id = re.compile(r"\bSPEC\b|\bR\d+\.\d+\b")
    for name, cmd in _leaves():
        texts = [cmd.help or "", *(getattr(p, "help", None) or "" for p in cmd.params)]
        assert not [t for t in texts if spec_id.search(t)], name


def test_the_readme_documents_the_error_edge_exit_codes() -> None:
    from tap.errors import EXIT_AWS_UNAVAILABLE, EXIT_NOT_DEPLOYED

    text = " ".join((ROOT / "README.md").read_text().split())
    assert f"{EXIT_AWS_UNAVAILABLE} AWS could not be used" in text
    assert f"{EXIT_NOT_DEPLOYED} something the command reads is not deployed" in text
    assert "2 bad settings" in text
