"""Keeps the controller's lock lease alive while an applier runs.

A `pulumi up` can run for many minutes without printing a line (an RDS modification, an Auto
Scaling group waiting for capacity), so renewing only when output arrives lets the lease lapse
under a running update and a second controller take over mid-step. The heartbeat renews on
its own thread, in real time, whatever the update prints.
"""

from __future__ import annotations

import threading
from types import TracebackType

from botocore.exceptions import BotoCoreError, ClientError

from tap.migration.errors import LockHeld
from tap.migration.store import StateStore


class LeaseHeartbeat:
    """`with LeaseHeartbeat(store, every):` renews the lease every `every` real seconds until
    the block ends. A renewal refused because another controller holds the lock stops the
    heartbeat and is kept in `lost`."""

    def __init__(self, store: StateStore, every_seconds: float) -> None:
        self.store = store
        self.every_seconds = every_seconds
        self.lost: LockHeld | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tap-lease-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every_seconds):
            try:
                self.store.renew()
            except LockHeld as exc:
                self.lost = exc
                return
            except (ClientError, BotoCoreError):
                # Transient: the next beat retries, and the renewal right after the update
                # reports a lasting failure to the controller.
                continue

    def __enter__(self) -> LeaseHeartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
