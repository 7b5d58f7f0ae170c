"""Small reads and waits on the local servers (root over the socket), all bounded."""

from __future__ import annotations

import time
from typing import Any

from tests.replication.servers import LocalServer


def sql(server: LocalServer, *statements: str) -> list[Any]:
    conn = server.root()
    try:
        with conn.cursor() as cur:
            for s in statements:
                cur.execute(s)
            return list(cur.fetchall())
    finally:
        conn.close()


def replica_row(server: LocalServer) -> dict[str, Any]:
    conn = server.root()
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW SLAVE STATUS")
            row = cur.fetchone()
            names = [d[0] for d in cur.description or []]
            return dict(zip(names, row, strict=False)) if row else {}
    finally:
        conn.close()


def wait_until(check: Any, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def keys(server: LocalServer) -> dict[str, int]:
    return {
        k: int(n)
        for k, n in sql(server, "SELECT idem_key, COUNT(*) FROM payments.payments GROUP BY idem_key")
    }


def locked(server: LocalServer, user: str = "app") -> bool:
    row = sql(server, f"SHOW CREATE USER '{user}'@'%'")[0]
    return "ACCOUNT LOCK" in str(row[0]).upper()


def caught_up(replica: LocalServer, source: LocalServer) -> bool:
    file, pos = sql(source, "SHOW MASTER STATUS")[0][:2]
    row = replica_row(replica)
    return bool(row) and row["Relay_Master_Log_File"] == file and int(row["Exec_Master_Log_Pos"]) >= int(pos)


def delay_replica(server: LocalServer, seconds: int) -> None:
    sql(server, "STOP SLAVE", f"CHANGE MASTER TO MASTER_DELAY={seconds}", "START SLAVE")
