"""A fake Service Quotas endpoint on 127.0.0.1.

moto implements Service Quotas only for the `vpc` service (its default quotas); the EC2 Elastic
IP and ELB quotas answer NoSuchResourceException there, and GetAWSDefaultServiceQuota is not
implemented at all. This server speaks the same JSON 1.1 protocol for the quota codes a test
gives it, so the check's boto3 calls run unchanged (selected with boto3's per-service
`AWS_ENDPOINT_URL_SERVICE_QUOTAS`).
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Key = tuple[str, str]


@dataclass
class QuotaTable:
    applied: dict[Key, float] = field(default_factory=dict)
    defaults: dict[Key, float] = field(default_factory=dict)
    throttle: bool = False
    calls: list[str] = field(default_factory=list)


def _handler(table: QuotaTable) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            target = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            table.calls.append(target)
            key = (body.get("ServiceCode", ""), body.get("QuotaCode", ""))
            source = {"GetServiceQuota": table.applied, "GetAWSDefaultServiceQuota": table.defaults}.get(
                target
            )
            if table.throttle:
                self._send(400, {"__type": "TooManyRequestsException", "message": "Rate exceeded"})
            elif source is None:
                self._send(400, {"__type": "UnknownOperationException", "message": target})
            elif key not in source:
                self._send(400, {"__type": "NoSuchResourceException", "message": f"no quota {key}"})
            else:
                quota = {"ServiceCode": key[0], "QuotaCode": key[1], "Value": source[key]}
                self._send(200, {"Quota": quota})

        def _send(self, code: int, payload: dict[str, object]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def quotas_server(table: QuotaTable) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(table))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)
