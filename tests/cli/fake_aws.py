"""A stand-in AWS endpoint on 127.0.0.1 that answers every call with one chosen error, for the
failure classes moto cannot produce (throttling, access denied, AWS-side 5xx).

The body is shaped for the protocol the request used (JSON for DynamoDB/SSM-style services, the
query protocol's XML otherwise), so botocore parses the error code as it would from AWS.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _handler(status: int, code: str, message: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            if "json" in (self.headers.get("Content-Type") or ""):
                body = json.dumps({"__type": code, "message": message}).encode()
                ctype = "application/x-amz-json-1.1"
            else:
                body = (
                    f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                    f"<Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
                ).encode()
                ctype = "text/xml"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("x-amzn-ErrorType", code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def failing_endpoint(status: int, code: str, message: str = "injected by the test") -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(status, code, message))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
