"""Change evidence for the compliance report (SPEC R19, PCI DSS 6.5.1/10.2): the migration
history the controller appends to its state table, read as it is (append-only, newest last)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tap.aws_clients import AwsClients
from tap.live.outputs import FlatOutputs
from tap.migration.clock import SystemClock
from tap.migration.store import StateStore

READER = "tap-verify-report"


def migration_history(clients: AwsClients, outputs: FlatOutputs) -> tuple[list[dict[str, Any]], str]:
    """The transitions, and a note saying where they came from or why there are none: a report
    without its change evidence still tells the assessor what is missing."""
    table = outputs.optional("migration_state_table_name")
    if not table:
        return [], "The stack outputs name no migration state table: no change evidence to read."
    store = StateStore(clients.client("dynamodb"), table, READER, SystemClock())
    try:
        entries = store.history()
    except (ClientError, BotoCoreError) as exc:
        return [], f"The migration history in {table} could not be read: {exc}"
    return [e.as_json() for e in entries], f"Read from DynamoDB table {table} ({len(entries)} transitions)."
