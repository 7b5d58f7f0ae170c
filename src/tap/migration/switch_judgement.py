"""What the traffic controller's database gate concludes from one observation of both
databases (read by `tap.replication.gate`, which opens the sessions): the writer record names
prod, dev is fenced, prod no longer replicates from dev and accepts app writes. Pure, so the
controller's tests feed it observations and the decision is written once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tap.migration.verdicts import GateResult, Verdict

NAME = "data-switch"

# What the controller calls for one observation of both databases.
SwitchProbe = Callable[[], "SwitchObservation"]


@dataclass(frozen=True)
class SwitchObservation:
    """Both databases, read directly, as far as the traffic gate needs them."""

    dev_unlocked: tuple[str, ...]
    dev_sessions: int
    prod_replicates_from_dev: bool
    prod_accepts_app_writes: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "dev_unlocked_app_accounts": list(self.dev_unlocked),
            "dev_app_sessions": self.dev_sessions,
            "prod_replicates_from_dev": self.prod_replicates_from_dev,
            "prod_accepts_app_writes": self.prod_accepts_app_writes,
        }


def judge_switch(writer_target: str | None, prod_address: str, obs: SwitchObservation) -> GateResult:
    values = {"writer": writer_target, **obs.as_json()}
    if writer_target != prod_address:
        return GateResult(
            NAME,
            Verdict.FAIL,
            f"the writer record names {writer_target!r}, not prod {prod_address!r}: run `tap db cutover`",
            values,
        )
    if obs.dev_unlocked or obs.dev_sessions:
        unlocked = ", ".join(obs.dev_unlocked) or "none"
        return GateResult(
            NAME,
            Verdict.FAIL,
            f"dev is not fenced: unlocked app account(s) {unlocked}, {obs.dev_sessions} app session(s)",
            values,
        )
    if obs.prod_replicates_from_dev:
        return GateResult(NAME, Verdict.FAIL, "prod still replicates from dev", values)
    if not obs.prod_accepts_app_writes:
        return GateResult(NAME, Verdict.FAIL, "prod does not accept app writes", values)
    return GateResult(
        NAME, Verdict.PASS, "writer names prod; dev fenced; prod no longer replicates from dev", values
    )
