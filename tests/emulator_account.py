"""The worker's moto account, handed to each test either empty or holding a seeded plan, without
paying moto's full reset and a full reseed (~1 s) for every test.

tests/moto_server.py records the backend of every writing request the server routes. From that:
- `empty()` resets, in place, the backends written since the account was last emptied (moto's
  own reset re-creates every backend, twice for the ones used next);
- `holding(plan, concerns)` seeds the plan once, concern by concern (tap.emulator.deployer),
  noting which backends each concern wrote. On the next call for the same plan it looks at the
  backends written since:
  - none of the seeded ones: the account is as seeded (others written are reset);
  - some: from the first concern that wrote one of them on, it resets what those concerns
    wrote (plus the written ones) and rebuilds them from the ids the earlier concerns got. The
    controller tests write SNS, Route 53, CloudWatch, SSM and DynamoDB: alerts, dns, alarms and
    state are rebuilt; VPC, groups, load balancer and fleets are kept;
  - the rebuild would wipe an earlier concern (EC2 was written, say), the emulator was reset
    behind its back, or another plan is asked for: the account is emptied and seeded afresh.

A backend left alone received no write since it was seeded, so it is as seeded. This rests on
moto writing a backend only from requests routed to it, which holds for the backends of the
rebuilt concerns (SNS delivers to SQS, which is never kept; the others touch no other backend).
Auto Scaling starts EC2 instances, but EC2 is written by the first concern, so any Auto Scaling
write gets a full reseed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from moto.core.base_backend import BackendDict

from tap.aws_clients import AwsClients, new_session
from tap.emulator.deployer import CONTROLLER, Seeded, build, ordered, seeded
from tap.emulator.registry import SeedContext
from tap.emulator.substitutions import Substitutions
from tap.offline.plan import Plan
from tests.moto_server import Writes


@dataclass
class _Base:
    plan: Plan
    concerns: tuple[str, ...]
    subs: list[Substitutions]
    """The ids recorded before each concern was built."""
    wrote: list[set[str]]
    """The backends each concern wrote."""
    seeded: Seeded


def _handed(base: _Base) -> Seeded:
    """The seeded outputs, a copy a test may change without changing the next test's."""
    return Seeded(dict(base.seeded.outputs), copy.deepcopy(base.seeded.sub))


def reset_backends(services: set[str]) -> None:
    """Reset, in place, every backend of these moto services (what moto's own reset does to
    each backend, for these only). A service is named as the server routes it: one route may
    serve sibling modules ("elb" serves elb and elbv2), so every module it prefixes is reset."""
    instances: list[BackendDict[Any]] = BackendDict._instances  # type: ignore[misc]  # moto's registry
    for backends in list(instances):
        for by_region in list(backends.values()):
            for backend in list(by_region.values()):
                module = type(backend).__module__.split(".")[1]
                if any(module.startswith(service) for service in services):
                    backend.reset()


class EmulatorAccount:
    def __init__(self, endpoint: str, writes: Writes) -> None:
        self.endpoint = endpoint
        self.writes = writes
        self.clients = AwsClients(region="us-east-1", endpoint_url=endpoint)
        self.base: _Base | None = None
        self.touched: set[str] = set()
        """The backends written since the account was last emptied."""
        self.last_restore = ""
        """How the last `holding` got there: "kept", "rebuilt <concerns>" or "seeded"."""

    def empty(self) -> AwsClients:
        """The account with nothing in it: every backend written since it was last emptied is
        reset in place, as moto's own reset does to every backend (the others were only read)."""
        self._take()
        reset_backends(self.touched)
        self.touched = set()
        self.base = None
        return self.clients

    def _take(self) -> tuple[set[str], bool]:
        wrote, was_reset = self.writes.take()
        self.touched |= wrote
        return wrote, was_reset

    def holding(self, plan: Plan, concerns: tuple[str, ...] = CONTROLLER) -> Seeded:
        """The account holding exactly `plan`'s `concerns` as the seeder builds them."""
        wrote, was_reset = self._take()
        base = self.base
        if base is None or was_reset or base.plan is not plan or base.concerns != ordered(concerns):
            return self._seed(plan, ordered(concerns))
        first = next((i for i, w in enumerate(base.wrote) if w & wrote), len(base.concerns))
        if first == len(base.concerns):
            reset_backends(wrote)  # written backends no concern seeded (an SQS queue, say)
            self.last_restore = "kept"
            return _handed(base)
        wiped = wrote.union(*base.wrote[first:])
        if first == 0 or any(w & wiped for w in base.wrote[:first]):
            return self._seed(plan, base.concerns)
        reset_backends(wiped)
        self._build(base, first)
        self.last_restore = "rebuilt " + " ".join(base.concerns[first:])
        return _handed(base)

    def _seed(self, plan: Plan, concerns: tuple[str, ...]) -> Seeded:
        self.empty()
        nothing = [Substitutions() for _ in concerns], [set[str]() for _ in concerns]
        base = _Base(plan, concerns, *nothing, Seeded({}, Substitutions()))
        self._build(base, 0)
        self.base = base
        self.last_restore = "seeded"
        return _handed(base)

    def _build(self, base: _Base, first: int) -> None:
        """Build `base`'s concerns from index `first` on, updating what it records of them."""
        ctx = SeedContext(self.clients, base.plan, copy.deepcopy(base.subs[first]))
        for i in range(first, len(base.concerns)):
            base.subs[i] = copy.deepcopy(ctx.sub)
            build(ctx, base.concerns[i])
            base.wrote[i] = self._take()[0]
        base.seeded = seeded(ctx)


def sqs_client(clients: AwsClients) -> Any:
    """SQS is no service tap calls (AwsClients hands out only those): a plain client to the
    same emulator, for tests that subscribe a queue to a topic."""
    return new_session(None).client(
        "sqs", region_name=clients.region, endpoint_url=clients.endpoint_url, config=clients.config()
    )
