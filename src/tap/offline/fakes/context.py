"""What every fake is given (`FakeContext`: type, name, inputs, region, account), the hashes
its ids are derived from, and how a module registers its fakes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FAKE_ACCOUNT_ID = "123456789012"
# The AMI the fake SSM parameter resolves to.
FAKE_AMI_ID = "ami-0a1b2c3d4e5f67890"


def digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


@dataclass(frozen=True)
class FakeContext:
    typ: str
    name: str
    inputs: dict[str, Any]
    region: str
    account: str

    def h(self, length: int = 17, salt: str = "") -> str:
        return digest(self.typ, self.name, salt, length=length)

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account}:{resource}"

    def physical_name(self, key: str = "name", max_len: int = 255) -> str:
        """The input name if given, else Pulumi's auto-name: logical name + 7 hex chars."""
        given = self.inputs.get(key)
        if isinstance(given, str) and given:
            return given
        prefix = self.inputs.get(key + "Prefix")
        base = prefix if isinstance(prefix, str) else self.name + "-"
        return (base + self.h(7))[:max_len]


def uuid(c: FakeContext, salt: str = "") -> str:
    h = c.h(32, salt)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


Fake = Callable[[FakeContext], tuple[str, dict[str, Any]]]
