"""Binary log coordinates, ordered: "has the replica applied at least the fence position?"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tap.jsonable import fields_json


@dataclass(frozen=True, order=True)
class Position:
    """(file index, offset) compare in binlog order; `file` keeps the full name for statements.

    Binlog names are `<base>.<6+ digits>` on MySQL and MariaDB (`mysql-bin-changelog.012345`
    on RDS); the index, not the string, orders them (`.999999` rolls over to `.1000000`).
    """

    index: int
    offset: int
    file: str = ""

    @classmethod
    def of(cls, file: str, offset: int) -> Position:
        base, _, suffix = file.rpartition(".")
        if not base or not suffix.isdigit():
            raise ValueError(f"binlog file {file!r} is not <base>.<number>")
        return cls(int(suffix), int(offset), file)

    def as_json(self) -> dict[str, Any]:
        return fields_json(self, rename={"offset": "position"}, omit=("index",))

    @classmethod
    def from_json(cls, data: Any) -> Position | None:
        if not isinstance(data, dict) or "file" not in data:
            return None
        return cls.of(str(data["file"]), int(data["position"]))

    def __str__(self) -> str:
        return f"{self.file}:{self.offset}"
