"""A small authoritative DNS server on 127.0.0.1 for the delegation tests.

It answers UDP queries from a dict of (name, type) -> record texts, NXDOMAIN for names it does
not know, and an empty NOERROR answer for known names without that type: what a public
resolver answers for a delegated, an undelegated and a wrongly delegated zone. Built on
dnspython's message and wire APIs; runs in a thread and stops when the fixture ends.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

Records = dict[tuple[str, str], list[str]]


class LocalDnsServer:
    def __init__(self, records: Records) -> None:
        self.records = {(name.lower().rstrip("."), typ): texts for (name, typ), texts in records.items()}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.queries: list[tuple[str, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _answer(self, wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA | dns.flags.RA
        question = query.question[0]
        name = question.name.to_text().lower().rstrip(".")
        typ = dns.rdatatype.to_text(question.rdtype)
        self.queries.append((name, typ))
        texts = self.records.get((name, typ))
        if texts:
            response.answer.append(dns.rrset.from_text_list(question.name, 60, "IN", typ, texts))
        elif not any(known == name for known, _ in self.records):
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response.to_wire()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            self.sock.sendto(self._answer(wire), peer)

    def start(self) -> LocalDnsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@contextmanager
def dns_server(records: Records) -> Iterator[LocalDnsServer]:
    server = LocalDnsServer(records).start()
    try:
        yield server
    finally:
        server.stop()
