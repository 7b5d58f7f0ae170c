"""The price table shipped in the package (tap/data/prices-us-east-1.json) and lookups into it
that fail with a clear message instead of silently pricing something at zero."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from tap.errors import TapError


class PriceError(TapError):
    """The price table has no price for something the plan contains."""

    exit_code = 2


@dataclass(frozen=True)
class PriceTable:
    data: dict[str, Any]

    @property
    def as_of(self) -> str:
        return str(self.data["as_of"])

    @property
    def source(self) -> str:
        return str(self.data["source"])

    @property
    def region(self) -> str:
        return str(self.data["region"])

    @property
    def hours(self) -> float:
        return float(self.data["hours_per_month"])

    def price(self, service: str, key: str) -> float:
        try:
            return float(self.data[service][key])
        except KeyError:
            raise PriceError(f"price table {self.as_of} has no {service}.{key}") from None

    def _scaled(self, table: dict[str, float], kind: str, name: str, prefix: str = "") -> float:
        """Exact price, or the family's `large` price times the size multiplier."""
        if name in table:
            return float(table[name])
        family, _, size = name.rpartition(".")
        base = table.get(f"{family}.large")
        mult = self.data["ec2"]["size_multiplier"].get(size)
        if base is None or mult is None:
            priced = ", ".join(sorted(table))
            sizes = ", ".join(self.data["ec2"]["size_multiplier"])
            raise PriceError(
                f"no {kind} price for {name!r} in the {self.as_of} table; priced: {priced} "
                f"(and their sizes {sizes})"
            )
        return float(base) * float(mult)

    def ec2_hourly(self, instance_type: str) -> float:
        return self._scaled(self.data["ec2"]["per_hour"], "EC2", instance_type)

    def rds_hourly(self, instance_class: str, multi_az: bool) -> float:
        single = self._scaled(self.data["rds_mysql"]["per_hour_single_az"], "RDS MySQL", instance_class)
        return single * (float(self.data["rds_mysql"]["multi_az_factor"]) if multi_az else 1.0)


def load() -> PriceTable:
    text = resources.files("tap").joinpath("data/prices-us-east-1.json").read_text(encoding="utf-8")
    return PriceTable(json.loads(text))
