"""Where the migration's state lives in AWS, not on an operator's laptop.

- An SSM parameter holds the deployed phase plan (phase, weights, next and rollback phases) as
  JSON. The fleets, the controller and the stack outputs all read it from here.
- A DynamoDB table holds the controller's lock and its append-only transition history
  (conditional writes), so a second controller is refused and a crashed one can resume.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from tap.components.context import StackContext
from tap.phase_plan import PhasePlan


def phase_document(plan: PhasePlan) -> str:
    """The phase plan as the JSON the parameter stores (stable key order, so re-runs are no-ops)."""
    return json.dumps(
        {
            "phase": plan.phase.value,
            "weights": {"blue": plan.weights.blue, "green": plan.weights.green},
            "devRecord": plan.dev_record,
            "systemOfRecord": plan.system_of_record.value,
            "nextPhase": plan.next_phase.value if plan.next_phase else None,
            "allowedNext": [p.value for p in plan.allowed_next],
            "rollbackTarget": plan.rollback_target.value if plan.rollback_target else None,
            # The database gate's contract (issue 10): before any step of a phase that requires
            # it, the writer record must name prod, dev be fenced and prod not replicate from dev.
            "requiresWriterSwitch": plan.requires_writer_switch,
        },
        sort_keys=True,
    )


@dataclass(frozen=True)
class MigrationStateArgs:
    ctx: StackContext
    kms_key_arn: pulumi.Input[str]


class MigrationState(pulumi.ComponentResource):
    def __init__(self, name: str, args: MigrationStateArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("tap:components:MigrationState", name, None, opts)
        ctx = args.ctx
        child = pulumi.ResourceOptions(parent=self)
        self.parameter_prefix = f"/tap/{ctx.settings.core.environment_suffix}"
        self.phase_parameter = aws.ssm.Parameter(
            ctx.name("phase-param"),
            name=f"{self.parameter_prefix}/migration/phase",
            type="String",
            # Not a secret: `insecure_value` keeps it readable in plans, diffs and outputs.
            insecure_value=phase_document(ctx.settings.phase_plan),
            description="Deployed migration phase plan, written by pulumi up (read by tap migrate)",
            opts=child,
        )
        self.table = aws.dynamodb.Table(
            ctx.name("migration-state"),
            name=ctx.name("migration-state"),
            billing_mode="PAY_PER_REQUEST",
            hash_key="pk",
            range_key="sk",
            attributes=[
                aws.dynamodb.TableAttributeArgs(name="pk", type="S"),
                aws.dynamodb.TableAttributeArgs(name="sk", type="S"),
            ],
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                enabled=True, kms_key_arn=args.kms_key_arn
            ),
            deletion_protection_enabled=True,
            tags={"Name": ctx.name("migration-state")},
            opts=child,
        )
        self.register_outputs({"table_name": self.table.name, "phase_parameter": self.phase_parameter.name})
