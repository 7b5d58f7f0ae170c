"""The seeder's registry: one small builder per Pulumi resource type (the way FAKES in
offline/fakes/ holds one fake per type), plus the few steps that no resource stands for
(dev's own network, the writer record after `tap db cutover`).

A builder creates one planned resource through boto3 and records, in `ctx.sub`, the ids moto
assigned in place of the plan's fake ones, so later builders and the flat outputs use them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tap.aws_clients import AwsClients
from tap.emulator.substitutions import Substitutions
from tap.offline.plan import Plan, PlannedResource
from tap.registrar import registrar

# One of the images moto ships: the plan's AMI (resolved from SSM) is not in its catalogue, and
# listing the catalogue costs about a second.
MOTO_AMI = "ami-12c6146b"


@dataclass
class SeedContext:
    clients: AwsClients
    plan: Plan
    sub: Substitutions = field(default_factory=Substitutions)

    @property
    def region(self) -> str:
        return self.plan.settings.core.region

    def of(self, typ: str) -> list[PlannedResource]:
        """The resources of `typ` the stack creates (not the ones it only reads, like dev's)."""
        return [r for r in self.plan.of_type(typ) if not r.read]


Builder = Callable[[SeedContext, PlannedResource], None]
Step = Callable[[SeedContext], None]
BUILDERS: dict[str, Builder] = {}
STEPS: dict[str, Step] = {}


builds = registrar(BUILDERS)
"""`@builds(type, ...)`: the builder of those resource types."""
step = registrar(STEPS)
"""`@step(name)`: a step no resource stands for, run where CONCERNS names it."""


def as_json(doc: Any) -> str:
    return doc if isinstance(doc, str) else json.dumps(doc)
