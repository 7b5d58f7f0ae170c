"""Where a set of stack outputs came from, so offline outputs cannot pass as a deployed stack's.

`tap outputs` without `--from` renders the example/offline plan: its ids are made up (account
123456789012, fake zone ids). It writes `_tap_provenance: offline-plan` into what it prints, and
every command that talks to AWS refuses a file carrying that mark (`refuse_offline`, called by
the one loader, `tap.outputs.codec.read_file`, that `tap.migration` and `tap.live` read with).
A deployed stack's outputs (`pulumi stack output --json`, or passed through `tap outputs --from`)
carry no mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap.errors import TapError

PROVENANCE_KEY = "_tap_provenance"
OFFLINE_PLAN = "offline-plan"
DEPLOYED_COMMAND = (
    "pulumi stack output --json | tap outputs --flat --from - --output cfn-outputs/flat-outputs.json"
)


class OfflineOutputsError(TapError):
    """Outputs of the offline plan were given to a command that reads or changes AWS."""

    exit_code = 2


def mark_offline(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The offline plan's outputs, marked as such."""
    return {**outputs, PROVENANCE_KEY: OFFLINE_PLAN}


def is_offline(outputs: Mapping[str, Any]) -> bool:
    return outputs.get(PROVENANCE_KEY) == OFFLINE_PLAN


def refuse_offline(outputs: Mapping[str, Any], source: str) -> None:
    """Raise unless `outputs` may be a deployed stack's."""
    if is_offline(outputs):
        raise OfflineOutputsError(
            f"{source} holds the outputs of the offline plan ({PROVENANCE_KEY}: {OFFLINE_PLAN}), "
            "not of a deployed stack: its ids are made up. Write the deployed stack's outputs with "
            f"`{DEPLOYED_COMMAND}`"
        )


def strip(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The outputs without the provenance mark (it is not a stack output)."""
    return {k: v for k, v in outputs.items() if k != PROVENANCE_KEY}
