"""What every check reads from: settings, the phase's plan, AWS clients, and the options for
the checks that talk to DNS resolvers and to dev's endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from tap.aws_clients import AwsClients
from tap.errors import TapError
from tap.offline.plan import Plan
from tap.phase_plan import PhasePlan
from tap.settings import Settings

T = TypeVar("T")


class BadAddress(TapError):
    exit_code = 2


@dataclass(frozen=True)
class Address:
    """A host (name or IP) and a port, from `--resolver IP[:port]` or `--dev-endpoint HOST[:PORT]`."""

    host: str
    port: int

    @classmethod
    def parse(cls, option: str, value: str, default_port: int) -> Address:
        # One colon separates a port; an IPv6 address (several colons) takes the default port.
        host, port = value.split(":") if value.count(":") == 1 else (value, str(default_port))
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise BadAddress(f"{option} {value!r} is not allowed: HOST or HOST:PORT with a port 1-65535")
        return cls(host, int(port))

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class PreflightContext:
    settings: Settings
    """The settings at the phase being checked (the phase the next `pulumi up` deploys)."""
    phase_plan: PhasePlan
    clients: AwsClients
    render_plan: Callable[[], Plan]
    """The offline plan of that phase, rendered on first use (quotas, prod's parameter group)."""
    resolvers: tuple[Address, ...] = ()
    """DNS resolvers for the delegation check; empty means the system's."""
    dev_endpoint: Address | None = None
    """Where to reach dev's load balancer; None means the blue-development record's target."""
    ca_bundle: Path | None = None
    """CA certificates for dev's endpoint; None means the system's trust store."""
    timeout_seconds: float = 5.0
    now: Callable[[], datetime] = utc_now
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    @property
    def plan(self) -> Plan:
        return self.memo("plan", self.render_plan)

    @property
    def app_fqdn(self) -> str:
        return f"app.{self.settings.dns.domain_name}"

    def memo(self, key: str, read: Callable[[], T]) -> T:
        """Read once per run: several checks look at the same dev instance or parameter group."""
        if key not in self._memo:
            self._memo[key] = read()
        value: T = self._memo[key]
        return value
