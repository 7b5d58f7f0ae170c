"""SPEC R19: the compliance report of a deployed stack carries the migration history as change
evidence, read from the state table on moto server; a missing table is a note, not a crash."""

from __future__ import annotations

from tap.aws_clients import AwsClients
from tap.emulator.seed import create_state_table
from tap.live.change_evidence import migration_history
from tap.live.outputs import parse_outputs
from tap.migration.clock import ManualClock
from tap.migration.store import StateStore


def test_r19_history_is_read_in_order_from_the_state_table(moto_clients: AwsClients) -> None:
    table = create_state_table(moto_clients, "prod-migration-state-pay01")
    store = StateStore(moto_clients.client("dynamodb"), table, "operator@example.com", ManualClock())
    store.append("initial", "snapshot", "succeeded", "advance")
    store.append("snapshot", "initial", "rolled-back", "alarm prod-rds-cpu fired")
    history, note = migration_history(moto_clients, parse_outputs({"migration_state_table_name": table}))
    assert [(h["from"], h["to"], h["outcome"]) for h in history] == [
        ("initial", "snapshot", "succeeded"),
        ("snapshot", "initial", "rolled-back"),
    ]
    assert history[1]["reason"] == "alarm prod-rds-cpu fired" and "2 transitions" in note


def test_r19_unreadable_history_is_reported_as_missing_evidence(moto_clients: AwsClients) -> None:
    history, note = migration_history(
        moto_clients, parse_outputs({"migration_state_table_name": "no-such-table"})
    )
    assert history == [] and "could not be read" in note
    history, note = migration_history(moto_clients, parse_outputs({}))
    assert history == [] and "no migration state table" in note
