"""A fault-injecting HTTP proxy on 127.0.0.1 in front of the moto server.

Real boto3 clients talk to the proxy exactly as they would talk to AWS; each request is matched
against the proxy's rules by service and API action, and a matching rule answers for AWS: a 500,
a throttling 400 (`ThrottlingException` in each protocol's shape), a connection reset, or a
named error (e.g. `NoSuchHostedZone`). Everything else is forwarded to moto unchanged. So the
tests exercise botocore's parsing, retries and error classes, not a stand-in of them.

The action comes from where each protocol puts it: `X-Amz-Target` (JSON: DynamoDB, SSM,
CloudWatch's JSON flavour), `Action=` in the query or form body (query: CloudWatch, SNS, ELBv2,
Auto Scaling), or the REST path and method (Route53).
"""

from __future__ import annotations

import http.client
import re
import socket
import struct
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Route53 is REST-XML: the action is the path and the method.
_ROUTE53 = (
    ("GET", re.compile(r"/2013-04-01/hostedzone/[^/]+/rrset/?$"), "ListResourceRecordSets"),
    ("POST", re.compile(r"/2013-04-01/hostedzone/[^/]+/rrset/?$"), "ChangeResourceRecordSets"),
    ("GET", re.compile(r"/2013-04-01/change/[^/]+$"), "GetChange"),
    ("GET", re.compile(r"/2013-04-01/healthcheck/[^/]+/status$"), "GetHealthCheckStatus"),
    ("GET", re.compile(r"/2013-04-01/hostedzone/[^/]+$"), "GetHostedZone"),
)

# A credential scope: Credential=AKID/20261201/us-east-1/route53/aws4_request
_SCOPE = re.compile(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/aws4_request")


@dataclass(frozen=True)
class Request:
    service: str
    action: str
    protocol: str  # "json", "query" or "rest-xml"


@dataclass
class Rule:
    """`service` and `action` are exact names or "*"; `fault` is "500", "throttle", "reset" or an
    AWS error code answered with 400 (e.g. "NoSuchHostedZone"). `times` limits how often the rule
    fires (None: for ever); `hits` counts the requests it answered."""

    service: str
    action: str
    fault: str
    times: int | None = None
    hits: int = 0

    def matches(self, req: Request) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        return self.service in ("*", req.service) and self.action in ("*", req.action)


@dataclass
class FaultProxy:
    upstream: str
    rules: list[Rule] = field(default_factory=list)
    seen: list[Request] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail(self, service: str, action: str, fault: str, times: int | None = None) -> Rule:
        rule = Rule(service, action, fault, times)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.seen.clear()

    def calls(self, service: str, action: str) -> int:
        with self._lock:
            return sum(1 for r in self.seen if r.service == service and r.action == action)

    def _rule_for(self, req: Request) -> Rule | None:
        with self._lock:
            self.seen.append(req)
            for rule in self.rules:
                if rule.matches(req):
                    rule.hits += 1
                    return rule
        return None

    def start(self) -> FaultProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = classify(self.command, self.path, dict(self.headers.items()), body)
                rule = proxy._rule_for(req)
                if rule is not None:
                    self._fault(rule.fault, req)
                    return
                self._forward(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def _forward(self, body: bytes) -> None:
                parsed = urllib.parse.urlsplit(proxy.upstream)
                conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for key, value in resp.getheaders():
                    if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            def _fault(self, fault: str, req: Request) -> None:
                if fault == "reset":
                    # RST instead of FIN: what a dropped connection looks like to botocore.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                status, code = {
                    "500": (500, "InternalFailure"),
                    "throttle": (400, "Throttling" if req.protocol != "json" else "ThrottlingException"),
                }.get(fault, (400, fault))
                if req.service == "dynamodb" and fault == "throttle":
                    code = "ThrottlingException"
                payload, ctype = error_body(req.protocol, code, f"injected {fault} for {req.action}")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("x-amzn-RequestId", "fault-proxy")
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def classify(method: str, path: str, headers: dict[str, str], body: bytes) -> Request:
    lower = {k.lower(): v for k, v in headers.items()}
    scope = _SCOPE.search(lower.get("authorization", ""))
    service = scope.group(1) if scope else "?"
    target = lower.get("x-amz-target")
    if target:
        return Request(service, target.rsplit(".", 1)[-1], "json")
    split = urllib.parse.urlsplit(path)
    params = urllib.parse.parse_qs(split.query)
    if method == "POST" and b"Action=" in body:
        params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    if "Action" in params:
        return Request(service, params["Action"][0], "query")
    for verb, pattern, action in _ROUTE53:
        if method == verb and pattern.search(split.path):
            return Request(service, action, "rest-xml")
    return Request(service, f"{method} {split.path}", "rest-xml")


def error_body(protocol: str, code: str, message: str) -> tuple[bytes, str]:
    if protocol == "json":
        doc = f'{{"__type": "com.amazonaws#{code}", "message": "{message}"}}'
        return doc.encode(), "application/x-amz-json-1.0"
    if protocol == "rest-xml":
        xml = (
            '<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
            f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>fault-proxy</RequestId></ErrorResponse>"
        )
        return xml.encode(), "text/xml"
    xml = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
        "</Error><RequestId>fault-proxy</RequestId></ErrorResponse>"
    )
    return xml.encode(), "text/xml"


def running(upstream: str) -> Iterator[FaultProxy]:
    """For a fixture: start a proxy in front of `upstream`, stop it afterwards."""
    proxy = FaultProxy(upstream).start()
    try:
        yield proxy
    finally:
        proxy.stop()
