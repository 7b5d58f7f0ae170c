"""Markdown table helper shared by the generated sections."""

from __future__ import annotations

from collections.abc import Sequence


def cell(value: str) -> str:
    """A Markdown table cell: pipes escaped, line breaks flattened."""
    return value.replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
