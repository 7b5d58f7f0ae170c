"""Help-screen conventions shared by every command.

typer 0.29 prints a `<bool>` type column for on/off flags (`--json <bool>`), which reads as if
the flag took a value. Flags take none, so the type column stays empty for them. Applied once,
when the app is assembled, so commands other modules register get it too.
"""

from __future__ import annotations

import typer.core
from typer._click.core import Context  # typer 0.29 vendors click

_original = typer.core.TyperOption.display_type_rich


def _display_type_rich(self: typer.core.TyperOption, ctx: Context) -> str | None:
    if self.is_flag and self.metavar is None:
        return None
    return _original(self, ctx)


def install() -> None:
    typer.core.TyperOption.display_type_rich = _display_type_rich  # type: ignore[method-assign]
