"""Benchmark: five `tap db cutover`s under a payment write load, on two local MariaDB servers
and a moto Route53 / Secrets Manager / DynamoDB. Run with `make bench-db`.

Prints the write pause (longest gap between acknowledged writes across the flip), rows
verified, lost and duplicated, the switch's own step times from the migration history, and the
AWS budget the same run implies. Target: median pause <= 2 s locally, 0 lost, 0 duplicated.
"""

from __future__ import annotations

import logging
import os
import socket
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the MariaDB and load harness lives with the tests

from moto.server import ThreadedMotoServer  # noqa: E402
from tests.replication.helpers import keys  # noqa: E402
from tests.replication.load import Heartbeat, WriteLoad  # noqa: E402
from tests.replication.servers import start_pair  # noqa: E402
from tests.replication.world import context, create_aws, reset_topology  # noqa: E402

from tap.aws_clients import AwsClients  # noqa: E402
from tap.replication.config import SwitchSettings  # noqa: E402
from tap.replication.cutover import cutover  # noqa: E402

ROUNDS = 5
# Route53: "changes generally propagate to all Route 53 name servers within 60 seconds"; the
# writer record's TTL is 5 s; a pooled client reconnects within ~1 s of its next attempt.
ROUTE53_INSYNC_SECONDS, TTL_SECONDS, RECONNECT_SECONDS = 60.0, 5.0, 1.0
SETTINGS = SwitchSettings(lag_window_seconds=1.0, poll_seconds=0.02)  # TLS on, as on RDS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _step_times(history: list[dict[str, Any]], run: str) -> dict[str, float]:
    at = {
        str(e["to"]).split(":", 1)[1]: datetime.fromisoformat(str(e["time"]))
        for e in history
        if isinstance(e.get("db"), dict) and e["db"].get("run") == run
    }

    def d(a: str, b: str) -> float:
        return (at[b] - at[a]).total_seconds()

    return {
        "fence": d("gated", "fenced"),
        "catch_up": d("fenced", "stopped"),
        "to_flip": d("stopped", "flipped"),
    }


def main() -> int:
    for k, v in {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ[k] = v
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    port = _free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    base = Path(tempfile.mkdtemp(prefix="tap-bench-db-"))
    dev, prod = start_pair(base)
    pauses, verified, lost, dups, steps = [], 0, 0, 0, []
    outputs: dict[str, Any] = {}  # created in round 0, reused after
    try:
        for n in range(ROUNDS):
            clients = AwsClients(endpoint_url=f"http://127.0.0.1:{port}")
            outputs = create_aws(clients, dev, prod) if n == 0 else outputs
            ctx = context(clients, outputs, SETTINGS, owner=f"bench-{n}")
            reset_topology(dev, prod, ctx)
            zone = outputs["writer_zone_id"].rsplit("/", 1)[-1]
            hb = Heartbeat([dev.root(), prod.root()]).start()
            load = WriteLoad(
                clients.client("route53"), zone, outputs["writer_record_fqdn"], dev.port, threads=4
            ).start()
            load.wait_for(300)
            report = cutover(ctx)
            load.wait_for(len(load.acked) + 300)
            load.stop()
            hb.stop()
            on_prod = keys(prod)
            pauses.append(load.longest_pause())
            verified += len(load.acked)
            lost += len(set(load.acked) - set(on_prod))
            dups += sum(c - 1 for c in on_prod.values() if c > 1)
            steps.append(_step_times([e.as_json() for e in ctx.store.history()], report.run))
            print(
                f"round {n + 1}: pause {pauses[-1]:.3f} s, {len(load.acked)} writes, steps "
                + ", ".join(f"{k} {v:.3f} s" for k, v in steps[-1].items())
            )
            ctx.close()
            time.sleep(0.2)
    finally:
        dev.stop()
        prod.stop()
        moto.stop()
    med = statistics.median(pauses)
    fence = statistics.median(s["fence"] for s in steps)
    catch = statistics.median(s["catch_up"] for s in steps)
    aws = (
        fence
        + max(catch, SETTINGS.max_lag_seconds)
        + ROUTE53_INSYNC_SECONDS
        + TTL_SECONDS
        + RECONNECT_SECONDS
    )
    print(
        f"write pause over {ROUNDS} cutovers: min {min(pauses):.3f} s, median {med:.3f} s, "
        f"max {max(pauses):.3f} s"
    )
    print(f"rows verified {verified}, lost {lost}, duplicated {dups}")
    print(
        f"AWS budget implied: fence {fence:.3f} s + catch-up max({catch:.3f}, "
        f"max-lag {SETTINGS.max_lag_seconds}) s "
        f"+ Route53 INSYNC <= {ROUTE53_INSYNC_SECONDS:g} s + TTL {TTL_SECONDS:g} s "
        f"+ reconnect {RECONNECT_SECONDS:g} s "
        f"= <= {aws:.1f} s"
    )
    ok = med <= 2.0 and lost == 0 and dups == 0
    print("target (median <= 2 s, 0 lost, 0 duplicated):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
