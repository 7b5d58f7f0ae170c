"""`tap verify --live`: the reachability matrix and the rules that describe_* results can
feed, on the deployed stack, plus the account baseline. (`tap.policies.verify_plan` is the same
on a rendered plan.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tap.aws_clients import AwsClients
from tap.live.baseline import BaselineResult, account_baseline
from tap.live.describe import describe
from tap.live.outputs import FlatOutputs, load_outputs
from tap.live.resources import policy_resources
from tap.live.services import record_stack, service_resources
from tap.network.live import from_described
from tap.network.model import ALB, APP, DB, DEV_APP, DEV_DB
from tap.policies.dns import never_all_zero
from tap.policies.registry import RESOURCE_RULES
from tap.policies.rules import StackRule
from tap.policies.runner import PolicyReport, run_resource_rules, run_stack_rules
from tap.policies.verify_plan import Verification, verify_model

# The stack rule describe_* results can feed: all of a name's weighted records, read together.
LIVE_STACK_RULES: tuple[StackRule, ...] = (never_all_zero,)


@dataclass(frozen=True)
class LiveVerification(Verification):
    """A verification of a deployed stack: also the account baseline (a plan has no account)."""

    baseline: tuple[BaselineResult, ...] = ()

    @property
    def ok(self) -> bool:
        return super().ok and all(b.ok for b in self.baseline)

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "baseline": [b.as_json() for b in self.baseline]}


def required_endpoints(outputs: FlatOutputs) -> tuple[str, ...]:
    """The ALB and fleets always; the database when the outputs name one (null before the
    production database is restored)."""
    needed = [ALB, APP]
    if outputs.optional("db_instance_identifier"):
        needed.append(DB)
    if outputs.optional("vpc_peering_connection_id"):
        needed += [DEV_APP, DEV_DB]
    return tuple(needed)


def verify_outputs(clients: AwsClients, outputs: FlatOutputs) -> LiveVerification:
    described = describe(clients, outputs)
    findings = run_resource_rules([*policy_resources(described), *service_resources(described.services)])
    findings += run_stack_rules(record_stack(described.services), LIVE_STACK_RULES)
    report = PolicyReport(
        findings=tuple(findings),
        rules=tuple(r.name for r in RESOURCE_RULES) + tuple(s.name for s in LIVE_STACK_RULES),
    )
    return LiveVerification(
        source=f"live stack, {outputs.text('vpc_id')} in {clients.region}",
        report=report,
        cells=verify_model(from_described(described), required_endpoints(outputs)),
        baseline=account_baseline(clients),
    )


def verify_live(clients: AwsClients, outputs_file: Path) -> LiveVerification:
    return verify_outputs(clients, load_outputs(outputs_file))
