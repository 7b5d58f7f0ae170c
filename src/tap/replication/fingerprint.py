"""Schema fingerprints and chunked checksums: "do both sides hold the same payments?".

Checksums follow pt-table-checksum's idea without its triggers: CRC32 of every row's columns
(NULL-safe), XOR-folded per chunk of primary-key range, compared chunk by chunk. Dev keeps
taking writes while the gate runs, so a chunk that differs is re-read after prod has applied
dev's position at the moment dev's chunk was read; only a chunk that still differs then is a
mismatch (a real divergence does not go away, in-flight writes do).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from tap.replication.adapter import Server
from tap.replication.errors import ReplicationError, ReplicationInputError

CHUNK_ROWS = 1000


@dataclass(frozen=True)
class Table:
    schema: str
    name: str

    @classmethod
    def parse(cls, text: str) -> Table:
        schema, sep, name = text.partition(".")
        if not sep or not schema or not name or not all(p.replace("_", "").isalnum() for p in (schema, name)):
            raise ReplicationInputError(f"payment table {text!r} must be schema.table (letters, digits, _)")
        return cls(schema, name)

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def quoted(self) -> str:
        return f"`{self.schema}`.`{self.name}`"


def schema_fingerprint(server: Server, schemas: tuple[str, ...]) -> str:
    """sha256 over columns and indexes of `schemas`: equal schemas, equal fingerprints."""
    marks = ", ".join(["%s"] * len(schemas))
    cols = server.rows(
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, "
        f"COLUMN_DEFAULT, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ({marks}) "
        "ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION",
        schemas,
    )
    idx = server.rows(
        "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE "
        f"FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN ({marks}) "
        "ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        schemas,
    )
    doc = json.dumps({"columns": cols, "indexes": idx}, sort_keys=True, default=str)
    return hashlib.sha256(doc.encode()).hexdigest()


def _key_and_columns(server: Server, table: Table) -> tuple[str, list[str]]:
    cols = [
        str(r["COLUMN_NAME"])
        for r in server.rows(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s "
            "ORDER BY ORDINAL_POSITION",
            (table.schema, table.name),
        )
    ]
    if not cols:
        raise ReplicationError(f"{server.endpoint}: payment table {table} does not exist")
    key = server.rows(
        "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA=%s AND TABLE_NAME=%s "
        "AND INDEX_NAME='PRIMARY' ORDER BY SEQ_IN_INDEX",
        (table.schema, table.name),
    )
    if len(key) != 1:
        raise ReplicationInputError(
            f"payment table {table} needs a single-column integer primary key to be chunked"
        )
    return str(key[0]["COLUMN_NAME"]), cols


def key_bounds(server: Server, table: Table) -> tuple[int, int] | None:
    key, _ = _key_and_columns(server, table)
    row = server.one(f"SELECT MIN(`{key}`) AS lo, MAX(`{key}`) AS hi FROM {table.quoted}")
    if not row or row["lo"] is None:
        return None
    return int(row["lo"]), int(row["hi"])


def chunk_checksum(server: Server, table: Table, lo: int, hi: int) -> tuple[int, int]:
    """(rows, XOR of row CRC32s) for lo <= key < hi."""
    key, cols = _key_and_columns(server, table)
    parts = ", ".join(f"`{c}`, ISNULL(`{c}`)" for c in cols)
    row = server.one(
        f"SELECT COUNT(*) AS n, COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', {parts}))), 0) AS crc "
        f"FROM {table.quoted} WHERE `{key}` >= %s AND `{key}` < %s",
        (lo, hi),
    )
    return (int(row["n"]), int(row["crc"])) if row else (0, 0)


def chunks(lo: int, hi: int, size: int = CHUNK_ROWS) -> list[tuple[int, int]]:
    return [(start, min(start + size, hi + 1)) for start in range(lo, hi + 1, size)]
