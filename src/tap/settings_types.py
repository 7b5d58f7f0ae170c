"""Converters for settings values: each turns a raw config value into a typed one, or raises
`ValueError` whose text is what is allowed. Raw values arrive as strings from Pulumi config
(lists as JSON) or typed from YAML; both forms are accepted."""

from __future__ import annotations

import ipaddress
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Converter(ABC, Generic[T]):
    @property
    @abstractmethod
    def allowed(self) -> str:
        """What is allowed, in words: the second half of every settings error."""

    @abstractmethod
    def __call__(self, raw: object) -> T:
        """Convert, or raise ValueError(self.allowed)."""


@dataclass(frozen=True)
class Integer(Converter[int]):
    lo: int
    hi: int

    @property
    def allowed(self) -> str:
        return f"a whole number from {self.lo} to {self.hi}"

    def __call__(self, raw: object) -> int:
        if isinstance(raw, bool):
            raise ValueError(self.allowed)
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, str) and re.fullmatch(r"-?\d+", raw.strip()):
            value = int(raw.strip())
        else:
            raise ValueError(self.allowed)
        if not self.lo <= value <= self.hi:
            raise ValueError(self.allowed)
        return value


@dataclass(frozen=True)
class Number(Converter[float]):
    lo: float
    hi: float
    lo_inclusive: bool = True

    @property
    def allowed(self) -> str:
        low = "from" if self.lo_inclusive else "above"
        return f"a number {low} {self.lo:g} up to {self.hi:g}"

    def __call__(self, raw: object) -> float:
        if isinstance(raw, bool):
            raise ValueError(self.allowed)
        try:
            value = float(raw) if isinstance(raw, int | float | str) else None
        except ValueError:
            value = None
        if value is None or value != value:  # NaN
            raise ValueError(self.allowed)
        below = value < self.lo if self.lo_inclusive else value <= self.lo
        if below or value > self.hi:
            raise ValueError(self.allowed)
        return value


@dataclass(frozen=True)
class Boolean(Converter[bool]):
    @property
    def allowed(self) -> str:
        return "true or false"

    def __call__(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true"
        raise ValueError(self.allowed)


@dataclass(frozen=True)
class Choice(Converter[str]):
    choices: tuple[str, ...]

    @property
    def allowed(self) -> str:
        return "one of: " + ", ".join(self.choices)

    def __call__(self, raw: object) -> str:
        if isinstance(raw, str) and raw in self.choices:
            return raw
        raise ValueError(self.allowed)


@dataclass(frozen=True)
class Pattern(Converter[str]):
    regex: str
    description: str
    optional: bool = False

    @property
    def allowed(self) -> str:
        return self.description + (" (or empty)" if self.optional else "")

    def __call__(self, raw: object) -> str:
        if not isinstance(raw, str):
            raise ValueError(self.allowed)
        if self.optional and raw == "":
            return raw
        if not re.fullmatch(self.regex, raw):
            raise ValueError(self.allowed)
        return raw


@dataclass(frozen=True)
class Cidr(Converter[str]):
    optional: bool = False

    @property
    def allowed(self) -> str:
        text = "an IPv4 CIDR block in canonical form with a prefix of /16 to /28, e.g. 10.0.0.0/16"
        return text + (" (or empty)" if self.optional else "")

    def __call__(self, raw: object) -> str:
        if not isinstance(raw, str):
            raise ValueError(self.allowed)
        if self.optional and raw == "":
            return raw
        try:
            net = ipaddress.IPv4Network(raw, strict=True)
        except ValueError:
            raise ValueError(self.allowed) from None
        # AWS accepts VPC and subnet prefixes from /16 to /28 only.
        if not 16 <= net.prefixlen <= 28:
            raise ValueError(self.allowed)
        return str(net)


@dataclass(frozen=True)
class ListOf(Converter[tuple[Any, ...]]):
    item: Converter[Any]
    min_items: int = 0
    max_items: int = 100
    unique: bool = True

    @property
    def allowed(self) -> str:
        count = (
            f"{self.min_items} to {self.max_items}"
            if self.max_items != self.min_items
            else f"exactly {self.min_items}"
        )
        return f"a list ({count} items{', no repeats' if self.unique else ''}) of {self.item.allowed}"

    def __call__(self, raw: object) -> tuple[Any, ...]:
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError:
                raise ValueError(self.allowed + ", written as a JSON list") from None
        if not isinstance(raw, Sequence) or isinstance(raw, str):
            raise ValueError(self.allowed)
        if not self.min_items <= len(raw) <= self.max_items:
            raise ValueError(self.allowed)
        items = tuple(self.item(x) for x in raw)
        if self.unique and len(set(items)) != len(items):
            raise ValueError(self.allowed)
        return items


@dataclass(frozen=True)
class IntChoice(Converter[int]):
    choices: tuple[int, ...]
    # Why the choices are what they are, when that is more than a service's list.
    reason: str = ""

    @property
    def allowed(self) -> str:
        listed = "one of: " + ", ".join(str(c) for c in self.choices)
        return f"{listed} ({self.reason})" if self.reason else listed

    def __call__(self, raw: object) -> int:
        try:
            value = Integer(min(self.choices), max(self.choices))(raw) if not isinstance(raw, bool) else None
        except ValueError:
            raise ValueError(self.allowed) from None
        if value not in self.choices:
            raise ValueError(self.allowed)
        return value
