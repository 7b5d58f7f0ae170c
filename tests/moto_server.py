"""A moto server on 127.0.0.1 that records which of its service backends each request may have
changed, so a seeded account can be restored by rebuilding only those (tests/emulator_account.py).

The server is moto's own (`ThreadedMotoServer`, run in this process); only its dispatcher is
wrapped. A request counts as a write unless it is a GET/HEAD (the REST reads: Route 53, S3) or
its action is a read by name (Describe*, List*, Get*, ...). An action that cannot be read off
the request counts as a write: a doubt costs a rebuild, never a leak.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

READ_ACTIONS = ("Describe", "List", "Get", "BatchGet", "Query", "Scan")


@dataclass
class Writes:
    """The backends (moto module names: "route53", "elbv2", ...) written since the last `take`,
    and whether the whole emulator was reset meanwhile."""

    services: set[str] = field(default_factory=set)
    reset: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, service: str) -> None:
        with self.lock:
            self.services.add(service)

    def saw_reset(self) -> None:
        with self.lock:
            self.reset = True

    def take(self) -> tuple[set[str], bool]:
        with self.lock:
            taken = (self.services, self.reset)
            self.services, self.reset = set(), False
            return taken


class RecordingDispatcher(DomainDispatcherApplication):
    """moto's dispatcher, noting the backend each writing request is routed to."""

    def __init__(self, writes: Writes) -> None:
        super().__init__(create_backend_app)
        self.writes = writes
        self.routed = threading.local()

    def get_backend_for_host(self, host: str | None) -> Any:
        backend = super().get_backend_for_host(host)
        self.routed.backend = backend  # the last one asked for is the one the request goes to
        return backend

    def _action(self, environ: dict[str, Any]) -> str | None:
        target = environ.get("HTTP_X_AMZ_TARGET")  # JSON protocol: "DynamoDB_20120810.PutItem"
        if target:
            return str(target).rsplit(".", 1)[-1]
        path = str(environ.get("PATH_INFO", ""))
        if "/operation/" in path:  # Smithy RPC v2 (CloudWatch): /service/<name>/operation/<action>
            return path.rsplit("/", 1)[-1]
        return self.get_action_from_body(self._get_body(environ))  # query protocol: Action=...

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        app = self.get_application(environ)
        backend = self.routed.backend
        if backend == "moto_api":
            if str(environ.get("PATH_INFO", "")).startswith("/moto-api/reset"):
                self.writes.saw_reset()
        elif environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            action = self._action(environ)
            if action is None or not action.startswith(READ_ACTIONS):
                self.writes.add(str(backend))
        return app(environ, start_response)


class RecordingMotoServer(ThreadedMotoServer):
    def __init__(self, port: int) -> None:
        super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
        self.writes = Writes()

    def _server_entry(self) -> None:
        app = RecordingDispatcher(self.writes)
        self._server = make_server(
            self._ip_address, self._port, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
