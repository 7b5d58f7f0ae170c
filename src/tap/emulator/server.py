"""The emulator as its own process: a moto server on 127.0.0.1, started on a free port and
stopped by its pid, on success, failure or Ctrl-C.

A separate process because moto keeps its state in module globals: two servers in one Python
process share one account, so a rehearsal would see (and could wipe) another's resources.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from types import TracebackType

from tap.errors import TapError

HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 30.0


class EmulatorError(TapError):
    exit_code = 2


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def require_moto() -> None:
    try:
        import moto.server  # noqa: F401 - only checks that the optional extra is installed
    except ModuleNotFoundError as exc:
        raise EmulatorError(
            f"the AWS API emulator is not installed ({exc.name} is missing); install the "
            "optional extra with `pip install -e '.[emulator]'` (or `make test`, which installs it)"
        ) from None


@dataclass
class EmulatorProcess:
    port: int = field(default_factory=free_port)
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> str:
        require_moto()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it ourselves
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise EmulatorError(f"the emulator exited at start (code {self._proc.returncode})")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1):
                    return self.endpoint
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        limit = f"{START_TIMEOUT_SECONDS:.0f} s"
        raise EmulatorError(f"the emulator did not answer on {self.endpoint} within {limit}")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def __enter__(self) -> EmulatorProcess:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
