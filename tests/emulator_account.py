"""The worker's moto account, handed to each test either empty or holding a seeded plan, without
paying a full reset and reseed (~1 s) for every test.

`holding(plan, concerns)` seeds the plan once, concern by concern (tap.emulator.deployer), noting
which backends each concern wrote (tests/moto_server.py records every write the server routes).
On the next call for the same plan it asks which backends anything wrote since, then:
- none: the account is as seeded;
- some: it takes the first concern that wrote one of them, resets the backends that concern and
  every later one wrote (plus the written ones), and rebuilds those concerns from the ids the
  earlier concerns got. The controller tests write Route 53, SSM, DynamoDB and CloudWatch: the
  last four concerns (dns, alarms, state) are rebuilt, VPC, load balancer and fleets are kept;
- the rebuild would wipe an earlier concern (say EC2 was written), the emulator was reset, or
  another plan is asked for: a full reset and seed.

The backends a reset leaves alone received no write since they were seeded: they are exactly
as seeded. This rests on moto writing a backend only from requests routed to it, which holds
for what the kept concerns' neighbours do (Route 53, SSM, DynamoDB, CloudWatch, SNS touch no
other backend); Auto Scaling, which starts EC2 instances, writes EC2 itself, and EC2 is in the
first concern, so any Auto Scaling write gets a full reseed.
"""

from __future__ import annotations

import copy
import urllib.request
from dataclasses import dataclass
from typing import Any

from moto.core.base_backend import BackendDict

from tap.aws_clients import AwsClients
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
        self.last_restore = ""
        """How the last `holding` got there: "kept", "rebuilt <concerns>" or "seeded"."""

    def empty(self) -> AwsClients:
        """The account with nothing in it (moto's full reset)."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass
        self.writes.take()
        self.base = None
        return self.clients

    def holding(self, plan: Plan, concerns: tuple[str, ...] = CONTROLLER) -> Seeded:
        """The account holding exactly `plan`'s `concerns` as the seeder builds them."""
        wrote, was_reset = self.writes.take()
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
        n = len(concerns)
        base = _Base(plan, concerns, [Substitutions()] * n, [set()] * n, Seeded({}, Substitutions()))
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
            base.wrote[i] = self.writes.take()[0]
        base.seeded = seeded(ctx)
