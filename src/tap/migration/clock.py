"""Time, injectable: the controller never calls `time` directly, so tests can run a ten-minute
bake in milliseconds and measure rollback times in simulated seconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Wall-clock time for real runs."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass
class ManualClock:
    """Simulated time: `sleep` advances it at once and fires the events scheduled on the way.

    Events let a test say "at t+125 s the 5xx alarm goes off" and have it happen in the middle
    of the controller's bake loop, exactly when the simulated time passes that instant.
    """

    start: datetime = field(default_factory=lambda: datetime(2026, 11, 29, 5, 0, tzinfo=UTC))
    elapsed: float = 0.0
    _events: list[tuple[float, Callable[[], None]]] = field(default_factory=list)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def sleep(self, seconds: float) -> None:
        target = self.elapsed + max(0.0, seconds)
        while True:
            due = sorted((e for e in self._events if e[0] <= target), key=lambda e: e[0])
            if not due:
                break
            at, fn = due[0]
            self._events.remove(due[0])
            self.elapsed = max(self.elapsed, at)
            fn()
        self.elapsed = target

    def at(self, seconds: float, fn: Callable[[], None]) -> None:
        """Run `fn` when simulated time reaches `seconds` after `start`."""
        self._events.append((seconds, fn))
