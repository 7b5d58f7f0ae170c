"""The runbook's preflight tables, generated from the registry so they cannot drift from the
checks that run: what each check reads, before which phases, and the IAM actions it needs."""

from __future__ import annotations

from tap.markdown_table import table
from tap.preflight.registry import CHECKS


def checks_table() -> str:
    rows = [
        [f"`{c.name}`", c.need.label, c.summary, ", ".join(f"`{p}`" for p in c.permissions)] for c in CHECKS
    ]
    return table(["check", "runs", "passes when", "IAM actions (read-only)"], rows)


def permissions_policy_actions() -> list[str]:
    """Every IAM action preflight calls, for a least-privilege policy."""
    actions = {
        p.split(" ")[0] for c in CHECKS for p in c.permissions if ":" in p and not p.startswith("none")
    }
    return sorted(actions)
