"""A bounded payment write load through "the writer name", and a sampler that watches for two
servers accepting app writes at once.

Each writer thread resolves the writer record from (moto) Route53 on every new connection and
connects to the address it names, on the one port both local servers share (dev 127.0.0.1,
prod 127.0.0.2). A write is a payment with an idempotency key; a failed attempt reconnects
(re-resolving the name) and retries the same key; a duplicate-key answer means the earlier
attempt committed, so it counts as acknowledged once. Every acknowledged key must end up in
the new writer exactly once."""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pymysql

from tests.replication.servers import APP_PASSWORD, APP_USER

DUPLICATE_KEY = 1062


class Background:
    """Daemon threads that run until `stop()` (each loop is also bounded by its own count).
    Subclasses are dataclasses that declare these two fields with default factories."""

    _stop: threading.Event
    _threads: list[threading.Thread]

    def _launch(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)


def resolve(route53: Any, zone_id: str, fqdn: str) -> str:
    page = route53.list_resource_record_sets(
        HostedZoneId=zone_id, StartRecordName=fqdn, StartRecordType="CNAME", MaxItems="1"
    )
    return str(page["ResourceRecordSets"][0]["ResourceRecords"][0]["Value"]).rstrip(".")


@dataclass
class WriteLoad(Background):
    route53: Any
    zone_id: str
    fqdn: str
    port: int
    threads: int = 3
    max_writes: int = 20_000  # bound: the load stops by itself
    acked: dict[str, float] = field(default_factory=dict)
    errors: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _connect(self) -> Any:
        host = resolve(self.route53, self.zone_id, self.fqdn)
        return pymysql.connect(
            host=host,
            port=self.port,
            user=APP_USER,
            password=APP_PASSWORD,
            connect_timeout=2,
            read_timeout=5,
            write_timeout=5,
            autocommit=True,
        )

    def _work(self, tid: int) -> None:
        conn = None
        n = 0
        while not self._stop.is_set() and len(self.acked) < self.max_writes:
            key = f"t{tid}-{n}"
            try:
                if conn is None:
                    conn = self._connect()
                with conn.cursor() as cur:
                    cur.execute(
                        "INSERT INTO payments.payments (idem_key, amount_cents) VALUES (%s, %s)",
                        (key, 100 + n),
                    )
            except pymysql.MySQLError as exc:
                if exc.args and exc.args[0] == DUPLICATE_KEY:
                    pass  # the earlier attempt committed: acknowledged now, once
                else:
                    with self._lock:
                        self.errors += 1
                    if conn is not None:
                        with contextlib.suppress(Exception):  # a killed connection may not close cleanly
                            conn.close()
                    conn = None
                    time.sleep(0.01)
                    continue
            with self._lock:
                self.acked[key] = time.monotonic()
            n += 1
            time.sleep(0.002)
        if conn is not None:
            conn.close()

    def start(self) -> WriteLoad:
        for tid in range(self.threads):
            self._launch(self._work, tid)
        return self

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    def longest_pause(self) -> float:
        times = sorted(self.acked.values())
        return max((b - a for a, b in itertools.pairwise(times)), default=0.0)


@dataclass
class WriterSampler(Background):
    """Alternately tries an app login on dev and on prod; three consecutive answers x, y, x all
    accepting prove that both accepted at the same instant (account states change once per
    switch step)."""

    hosts: tuple[str, str]
    port: int
    samples: int = 0
    both: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _accepts(self, host: str) -> bool:
        try:
            pymysql.connect(
                host=host, port=self.port, user=APP_USER, password=APP_PASSWORD, connect_timeout=1
            ).close()
            return True
        except pymysql.MySQLError:
            return False

    def _run(self) -> None:
        window: list[bool] = []
        i = 0
        while not self._stop.is_set() and self.samples < 100_000:
            window = [*window, self._accepts(self.hosts[i % 2])][-3:]
            self.samples += 1
            i += 1
            if len(window) == 3 and all(window):
                self.both.append(time.monotonic())
            time.sleep(0.005)

    def start(self) -> WriterSampler:
        self._launch(self._run)
        return self


@dataclass
class Heartbeat(Background):
    """Like rdsadmin's heartbeat on RDS: a non-app write that keeps each binlog moving, even on
    a fenced server (so "applied the fence position" can never mean "lag 0")."""

    conns: list[Any]
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _run(self) -> None:
        beat = 0
        while not self._stop.is_set() and beat < 1_000_000:
            beat += 1
            for i, conn in enumerate(self.conns, start=1):
                with conn.cursor() as cur:
                    cur.execute("UPDATE tap_meta.heartbeat SET beat=%s WHERE id=%s", (beat, i))
            time.sleep(0.02)

    def start(self) -> Heartbeat:
        self._launch(self._run)
        return self
