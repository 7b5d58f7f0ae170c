"""docs/outputs.md and `tap outputs --describe`: every stack output, its type and description,
read from `tap.outputs.contract` (the one place they are declared)."""

from __future__ import annotations

from tap.markdown_table import table
from tap.outputs.contract import DESCRIPTIONS, TYPES, type_name


def outputs_table() -> str:
    rows = [[f"`{name}`", f"`{type_name(TYPES[name])}`", DESCRIPTIONS[name]] for name in TYPES]
    return table(["output", "type", "description"], rows)


def outputs_document() -> str:
    return (
        "# Stack outputs\n\n"
        "<!-- Generated from tap.outputs.contract by `python -m tap.docs`; do not edit. -->\n\n"
        "What the stack exports (`pulumi stack output --json`, or `tap outputs` offline). In the "
        "flat form (`tap outputs --flat`, cfn-outputs/flat-outputs.json) strings stay strings and "
        "every other type is JSON-encoded; `null` means the phase has no such resource.\n\n" + outputs_table()
    )
