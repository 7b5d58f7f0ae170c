"""Kinds of setting values: each is pydantic metadata on a field (`Annotated[int, Whole(1, 100)]`)
that builds the field's validation from pydantic's own schemas and says, in words, what is
allowed: the text every settings error prints and the README's settings reference shows.

What pydantic does not do is kept here and nowhere else: Pulumi passes every config value as a
string ("3", "true", '["a", "b"]') while YAML gives typed values, so each kind first turns such
text into its type and then validates strictly (a YAML `true` is no number, `3.0` no whole one).
"""

from __future__ import annotations

import ipaddress
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, get_args

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from tap.phases import PHASE_NAMES

CoreSchema = core_schema.CoreSchema
# The error type a kind raises when it can say more than its `allowed` words; ctx["detail"].
DETAIL = "tap_detail"


def detail(text: str) -> PydanticCustomError:
    return PydanticCustomError(DETAIL, "{detail}", {"detail": text})


def _before(convert: Callable[[Any], Any], schema: CoreSchema) -> CoreSchema:
    return core_schema.no_info_before_validator_function(convert, schema)


class Kind(ABC):
    @property
    @abstractmethod
    def allowed(self) -> str:
        """What is allowed, in words: the second half of every settings error."""

    @abstractmethod
    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """The pydantic schema that validates a raw value of this kind."""


def _whole_text(raw: object) -> object:
    if isinstance(raw, str) and re.fullmatch(r"-?\d+", raw.strip()):
        return int(raw.strip())
    return raw


def _number_text(raw: object) -> object:
    if isinstance(raw, str):
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw


def _flag_text(raw: object) -> object:
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    return raw


@dataclass(frozen=True)
class Whole(Kind):
    lo: int
    hi: int

    @property
    def allowed(self) -> str:
        return f"a whole number from {self.lo} to {self.hi}"

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return _before(_whole_text, core_schema.int_schema(ge=self.lo, le=self.hi, strict=True))


@dataclass(frozen=True)
class Number(Kind):
    lo: float
    hi: float
    lo_inclusive: bool = True

    @property
    def allowed(self) -> str:
        low = "from" if self.lo_inclusive else "above"
        return f"a number {low} {self.lo:g} up to {self.hi:g}"

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        ge, gt = (self.lo, None) if self.lo_inclusive else (None, self.lo)
        number = core_schema.float_schema(ge=ge, gt=gt, le=self.hi, allow_inf_nan=False, strict=True)
        return _before(_number_text, number)


@dataclass(frozen=True)
class Flag(Kind):
    @property
    def allowed(self) -> str:
        return "true or false"

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return _before(_flag_text, core_schema.bool_schema(strict=True))


@dataclass(frozen=True)
class OneOf(Kind):
    """Exactly one of these strings."""

    choices: tuple[str, ...]

    @property
    def allowed(self) -> str:
        return "one of: " + ", ".join(self.choices)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        text = core_schema.str_schema(strict=True)
        return core_schema.chain_schema([text, core_schema.literal_schema(list(self.choices))])


@dataclass(frozen=True)
class WholeOneOf(Kind):
    """Exactly one of these whole numbers (a service's list, such as CloudWatch retention days)."""

    choices: tuple[int, ...]
    # Why the choices are what they are, when that is more than a service's list.
    reason: str = ""

    @property
    def allowed(self) -> str:
        listed = "one of: " + ", ".join(str(c) for c in self.choices)
        return f"{listed} ({self.reason})" if self.reason else listed

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        whole = core_schema.int_schema(strict=True)
        return _before(
            _whole_text, core_schema.chain_schema([whole, core_schema.literal_schema(list(self.choices))])
        )


@dataclass(frozen=True)
class PhaseName(Kind):
    @property
    def allowed(self) -> str:
        return "one of, in order: " + ", ".join(PHASE_NAMES)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return handler(source)  # pydantic's enum schema: the phase's name, or the Phase itself


@dataclass(frozen=True)
class Text(Kind):
    """A string the whole of which matches `regex` (Python syntax: some need look-arounds)."""

    regex: str
    description: str
    optional: bool = False

    @property
    def allowed(self) -> str:
        return self.description + (" (or empty)" if self.optional else "")

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        body = f"(?:{self.regex})" + ("?" if self.optional else "")
        pattern = re.compile(rf"\A{body}\Z")  # \Z, not $: "name\n" is not a name
        return core_schema.str_schema(pattern=pattern, regex_engine="python-re", strict=True)


@dataclass(frozen=True)
class Cidr(Kind):
    """An IPv4 range, validated as pydantic's `IPv4Network` and kept in its canonical text,
    which is what Pulumi inputs and the plan take."""

    optional: bool = False
    # AWS accepts VPC and subnet prefixes from /16 to /28 only.
    shortest: int = 16
    longest: int = 28

    @property
    def allowed(self) -> str:
        text = (
            f"an IPv4 CIDR block in canonical form with a prefix of /{self.shortest} to "
            f"/{self.longest}, e.g. 10.0.0.0/16"
        )
        return text + (" (or empty)" if self.optional else "")

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        network = handler.generate_schema(ipaddress.IPv4Network)
        return core_schema.no_info_wrap_validator_function(self._validate, network)

    def _validate(self, raw: object, network: core_schema.ValidatorFunctionWrapHandler) -> str:
        if self.optional and raw == "":
            return ""
        if not isinstance(raw, str):
            raise detail(f"got {type(raw).__name__}, not text")
        try:
            net: ipaddress.IPv4Network = network(raw)
        except ValueError:
            raise _host_bits(raw) from None
        if not self.shortest <= net.prefixlen <= self.longest:
            raise detail(f"/{net.prefixlen} is outside /{self.shortest} to /{self.longest}")
        return str(net)


def _host_bits(raw: str) -> PydanticCustomError:
    """Name the canonical form when the only fault is host bits set (10.0.0.1/16)."""
    try:
        canonical = ipaddress.IPv4Network(raw, strict=False)
    except ValueError:
        return PydanticCustomError("ip_v4_network", "not an IPv4 network")
    return detail(f"host bits are set; the block is {canonical}")


@dataclass(frozen=True)
class Items(Kind):
    """A list, kept as a tuple; Pulumi passes it as JSON text."""

    item: Kind
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

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        item_type = get_args(source)[0]  # tuple[str, ...]
        item = handler.generate_schema(Annotated[item_type, self.item])
        # The count first, of the items as given (pydantic counts a tuple's after validation,
        # so one bad item would also read as one item too few).
        count = core_schema.list_schema(min_length=self.min_items, max_length=self.max_items)
        items: CoreSchema = core_schema.chain_schema(
            [count, core_schema.tuple_schema([item], variadic_item_index=0)]
        )
        if self.unique:
            items = core_schema.no_info_after_validator_function(_no_repeats, items)
        return _before(_json_list, items)


def _json_list(raw: object) -> object:
    if not isinstance(raw, str):
        return raw
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise detail("written as a JSON list") from None
    if isinstance(value, str):
        raise detail("written as a JSON list")  # '"a"' is JSON, but no list
    return value


def _no_repeats(items: tuple[Any, ...]) -> tuple[Any, ...]:
    for i, value in enumerate(items):
        if value in items[:i]:
            raise detail(f"item {i} repeats item {items.index(value)}, {value!r}")
    return items
