"""Generated sections inside hand-written Markdown, fenced by HTML comments.

A section named `settings` is everything between `<!-- settings:start -->` and
`<!-- settings:end -->`; the markers themselves stay, so regeneration is idempotent and the
surrounding prose is never touched.
"""

from __future__ import annotations

import re

from tap.errors import TapError


class MarkerError(TapError):
    """A generated section's markers are missing, duplicated or out of order."""

    exit_code = 2


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- {re.escape(name)}:start -->\n)(.*?)(<!-- {re.escape(name)}:end -->)", re.DOTALL
    )


def section(text: str, name: str) -> str:
    """The current body of section `name`."""
    found = _pattern(name).findall(text)
    if len(found) != 1:
        raise MarkerError(
            f"expected exactly one '<!-- {name}:start -->' ... '<!-- {name}:end -->' pair, found {len(found)}"
        )
    return str(found[0][1])


def replace(text: str, name: str, body: str) -> str:
    """`text` with section `name` set to `body` (which ends with a newline)."""
    section(text, name)  # raises when the markers are not there exactly once
    body = body if body.endswith("\n") else body + "\n"
    return _pattern(name).sub(lambda m: m.group(1) + body + m.group(3), text)
