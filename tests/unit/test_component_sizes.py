"""The Pulumi program stays legible (issue 15): every function of the components and the stack
fits on a screen, and every file holds one concern a reader can take in at once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tap"
PROGRAM_FILES = [*sorted((SRC / "components").glob("*.py")), SRC / "stack.py", SRC / "program.py"]
MAX_FUNCTION_LINES = 60
MAX_FILE_LINES = 300


@pytest.mark.parametrize("path", PROGRAM_FILES, ids=lambda p: p.name)
def test_program_functions_and_files_are_short(path: Path) -> None:
    text = path.read_text()
    long_functions = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long_functions, f"{path.name}: split by concern: {long_functions}"
    assert len(text.splitlines()) <= MAX_FILE_LINES, f"{path.name} has {len(text.splitlines())} lines"
