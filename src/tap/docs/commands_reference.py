"""The README's `tap` command reference, generated from the typer application itself, so a
command or option that exists is documented and one that does not is not.

Typer vendors its own copy of click, so commands and parameters are read by their attributes
(`commands`, `opts`, `is_flag`) rather than by isinstance checks against the click package.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer.main

from tap.markdown_table import table


def _param_usage(param: Any) -> str:
    name = str(getattr(param, "name", None) or "value").upper()
    opts = list(getattr(param, "opts", []) or [])
    if getattr(param, "param_type_name", "") == "argument" or not any(o.startswith("-") for o in opts):
        return name if getattr(param, "required", False) else f"[{name}]"
    longs = [o for o in opts if o.startswith("--")] or opts
    if getattr(param, "is_flag", False):
        secondary = list(getattr(param, "secondary_opts", []) or [])
        text = longs[0] if not secondary else f"{longs[0]}/{secondary[0]}"
    else:
        text = f"{longs[0]} {longs[0].lstrip('-').upper().replace('-', '_')}"
    return text if getattr(param, "required", False) else f"[{text}]"


def _walk(cmd: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    subcommands = getattr(cmd, "commands", None)
    if isinstance(subcommands, dict):
        for name in sorted(subcommands):
            yield from _walk(subcommands[name], (*path, name))
    else:
        yield path, cmd


def commands() -> list[tuple[str, str]]:
    """(usage, first line of help) for every leaf command of `tap`."""
    from tap.cli.app import app

    rows = []
    for path, cmd in _walk(typer.main.get_command(app), ()):
        usage = " ".join(["tap", *path, *(_param_usage(p) for p in cmd.params)])
        # The first paragraph of the help: typer shows it as the summary.
        first = (cmd.help or "").strip().split("\n\n", 1)[0]
        rows.append((usage, " ".join(first.split())))
    return rows


def render() -> str:
    return table(["command", "what it does"], [[f"`{u}`", s] for u, s in commands()])
