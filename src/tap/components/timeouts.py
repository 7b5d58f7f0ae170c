"""Custom timeouts for every long-running create and update, named once with the reason.

The provider gives up waiting after its default timeout and reports the update as failed, while
AWS carries on: the next `pulumi up` then finds a half-made resource (a snapshot `creating`, an
instance `modifying`). Each constant below is above the worst case we can justify, and records
the provider's default (read in hashicorp/terraform-provider-aws, which pulumi-aws bridges; see
docs/deployability.md for the file and function of each).

The policy rule `long-operations-carry-timeouts` (tap.policies.deployability) reads
`REQUIRED_TIMEOUTS`, so a resource type listed here without its timeout fails the policy pack.
This module imports only the Pulumi core SDK (no pulumi_aws), so the policy pack can read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import pulumi

from tap import aws_types as t


@dataclass(frozen=True)
class Timeout:
    """How long to wait for one operation of one resource type, and why."""

    minutes: int
    provider_default_minutes: int
    reason: str

    @property
    def seconds(self) -> float:
        return self.minutes * 60.0

    @property
    def duration(self) -> str:
        """The Go duration string the engine parses (`CustomTimeouts` takes strings)."""
        return f"{self.minutes}m"


# ---- RDS ------------------------------------------------------------------------------------
# aws_db_snapshot: resourceSnapshotCreate waits with d.Timeout(schema.TimeoutCreate), default 20m.
SNAPSHOT_CREATE: Final = Timeout(
    240,
    20,
    "The first snapshot of an instance copies every allocated block: hours for hundreds of GiB "
    "on gp2/gp3, and dev's final snapshot is always its first manual one.",
)
# aws_db_snapshot_copy: waitSnapshotCopyAvailable uses d.Timeout(schema.TimeoutCreate), default 20m.
SNAPSHOT_COPY_CREATE: Final = Timeout(
    360,
    20,
    "A copy that changes the KMS key is a full re-encrypting copy of every block (never "
    "incremental): 100 GiB takes well over the 20-minute default.",
)
# aws_db_instance: resourceInstanceCreate (RestoreDBInstanceFromDBSnapshot, then a
# ModifyDBInstance with ApplyImmediately=true for engine_version, allocated_storage, backups,
# monitoring, Performance Insights), all within d.Timeout(schema.TimeoutCreate), default 40m.
INSTANCE_CREATE: Final = Timeout(
    300,
    40,
    "Restore from snapshot lazily loads blocks, then the post-restore modify (storage, "
    "monitoring, Performance Insights, backups) runs before the instance is available.",
)
# resourceInstanceUpdate: ModifyDBInstance then waitUntilDBInstanceAvailableAfterUpdate with
# d.Timeout(schema.TimeoutUpdate), default 80m.
INSTANCE_UPDATE: Final = Timeout(
    480,
    80,
    "Converting to Multi-AZ snapshots the primary and restores the standby from it; for "
    "100+ GiB that is hours, and a storage change can follow it in the same update.",
)
# resourceInstanceDelete: waitDBInstanceDeleted with d.Timeout(schema.TimeoutDelete), default 60m.
INSTANCE_DELETE: Final = Timeout(
    240,
    60,
    "Deleting takes the final snapshot first (skip_final_snapshot=false): as long as a snapshot.",
)
# A read replica is created through the same aws_db_instance create path
# (CreateDBInstanceReadReplica): a snapshot of the source plus a restore.
REPLICA_CREATE: Final = Timeout(
    360,
    40,
    "A read replica is a snapshot of the source plus a restore and catch-up of the binlog.",
)

# ---- ACM ------------------------------------------------------------------------------------
# aws_acm_certificate_validation: waitCertificateIssued with d.Timeout(schema.TimeoutCreate),
# default 75m. ACM documents DNS validation as taking up to 30 minutes once the record resolves;
# the stack declares the validation only once delegation is confirmed (tap.components.certificate).
CERTIFICATE_VALIDATION_CREATE: Final = Timeout(
    45,
    75,
    "Declared only once the zone is delegated, so the record resolves and ACM's documented "
    "30 minutes apply; failing in 45 beats hanging 75 when something else is wrong.",
)

# ---- EC2 ------------------------------------------------------------------------------------
# aws_nat_gateway: waitNATGatewayCreated with d.Timeout(schema.TimeoutCreate), default 10m.
NAT_GATEWAY_CREATE: Final = Timeout(
    20, 10, "Usually a few minutes, but three are created at once in a fresh account."
)
NAT_GATEWAY_DELETE: Final = Timeout(
    45, 30, "Deletion waits for the gateway's ENI to be released, often past 30 minutes."
)

# Auto Scaling groups wait for capacity through their own `wait_for_capacity_timeout` argument
# (default "10m"), not a custom timeout: the fleet sets it from this constant.
ASG_CAPACITY_WAIT: Final = Timeout(
    20,
    10,
    "Green launches three m5 instances that boot, fetch the release bundle and pass the ELB "
    "health check (grace 300 s) before they count.",
)

# type token -> {operation: the timeout it must carry at least}
REQUIRED_TIMEOUTS: Final[dict[str, dict[str, Timeout]]] = {
    t.RDS_SNAPSHOT: {"create": SNAPSHOT_CREATE},
    t.RDS_SNAPSHOT_COPY: {"create": SNAPSHOT_COPY_CREATE},
    t.RDS_INSTANCE: {"create": INSTANCE_CREATE, "update": INSTANCE_UPDATE, "delete": INSTANCE_DELETE},
    t.ACM_VALIDATION: {"create": CERTIFICATE_VALIDATION_CREATE},
    t.NAT_GATEWAY: {"create": NAT_GATEWAY_CREATE, "delete": NAT_GATEWAY_DELETE},
}


def custom_timeouts(
    create: Timeout | None = None, update: Timeout | None = None, delete: Timeout | None = None
) -> pulumi.CustomTimeouts:
    return pulumi.CustomTimeouts(
        create=create.duration if create else None,
        update=update.duration if update else None,
        delete=delete.duration if delete else None,
    )


def for_type(type_token: str) -> pulumi.CustomTimeouts:
    """The timeouts REQUIRED_TIMEOUTS lists for a resource type."""
    ops = REQUIRED_TIMEOUTS[type_token]
    return custom_timeouts(ops.get("create"), ops.get("update"), ops.get("delete"))


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def duration_seconds(text: str) -> float:
    """Seconds in a Go duration string such as "1h30m" ("" or unparsable: 0, the engine's
    "no custom timeout")."""
    text = text.strip()
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return 0.0
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)
