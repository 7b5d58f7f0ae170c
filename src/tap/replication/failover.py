"""An RDS failover (or any restart) of either side during the switch aborts it.

Two signals: the server's own identity (a Multi-AZ failover or a reboot resets `Uptime`; a
different host can bring another `server_id`), and, on AWS, RDS events in the `failover`,
`failure` or `availability` categories since the switch passed its gates.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from tap.replication.observe import Identity

if TYPE_CHECKING:
    from types_boto3_rds.client import RDSClient

CATEGORIES = ["failover", "failure", "availability"]


def identity_change(name: str, before: list[int] | None, now: Identity) -> str:
    if not before:
        return ""
    server_id, uptime = before
    if now.server_id != server_id:
        return f"{name}'s server_id changed from {server_id} to {now.server_id}: a failover; switch aborted"
    if now.uptime < uptime:
        return (
            f"{name} restarted (uptime {now.uptime} s < {uptime} s at the gates): a failover; switch aborted"
        )
    return ""


def rds_events(rds: RDSClient, identifiers: dict[str, str], since: datetime) -> str:
    """The first failover-like RDS event of the named instances since `since`, or ""."""
    for name, ident in identifiers.items():
        try:
            events = rds.describe_events(
                SourceIdentifier=ident, SourceType="db-instance", StartTime=since, EventCategories=CATEGORIES
            ).get("Events", [])
            status = rds.describe_db_instances(DBInstanceIdentifier=ident)["DBInstances"][0][
                "DBInstanceStatus"
            ]
        except (ClientError, BotoCoreError) as exc:
            return f"cannot read RDS events of {name} ({ident}): {exc}; switch aborted"
        # Filter again here: the categories are the contract, whatever the API filtered.
        hits = [e for e in events if set(e.get("EventCategories") or []) & set(CATEGORIES)]
        if hits:
            return f"RDS event on {name} ({ident}): {hits[0].get('Message', '')}; switch aborted"
        if status not in ("available", "backing-up"):
            return f"{name} ({ident}) is {status!r}; switch aborted"
    return ""
