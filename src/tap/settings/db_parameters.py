"""Server settings replication depends on: production must match dev (the preflight checks
dev's side through the RDS API)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic.dataclasses import dataclass

from tap.errors import Problem
from tap.settings.fields import GROUP_CONFIG, setting
from tap.settings.kinds import OneOf, Text, Whole

if TYPE_CHECKING:
    from tap.settings.model import Settings

SQL_MODES_80 = (
    "ALLOW_INVALID_DATES",
    "ANSI",
    "ANSI_QUOTES",
    "ERROR_FOR_DIVISION_BY_ZERO",
    "HIGH_NOT_PRECEDENCE",
    "IGNORE_SPACE",
    "NO_AUTO_VALUE_ON_ZERO",
    "NO_BACKSLASH_ESCAPES",
    "NO_DIR_IN_CREATE",
    "NO_ENGINE_SUBSTITUTION",
    "NO_UNSIGNED_SUBTRACTION",
    "NO_ZERO_DATE",
    "NO_ZERO_IN_DATE",
    "ONLY_FULL_GROUP_BY",
    "PAD_CHAR_TO_FULL_LENGTH",
    "PIPES_AS_CONCAT",
    "REAL_AS_FLOAT",
    "STRICT_ALL_TABLES",
    "STRICT_TRANS_TABLES",
    "TIME_TRUNCATE_FRACTIONAL",
    "TRADITIONAL",
)
_SQL_MODE = "(" + "|".join(SQL_MODES_80) + ")"


@dataclass(frozen=True, config=GROUP_CONFIG)
class DbParameterSettings:
    """Empty means the RDS MySQL 8.0 engine default, which is what dev has on a default
    parameter group; the parameter is then left unset."""

    sql_mode: Annotated[
        str,
        Text(
            rf"{_SQL_MODE}(,{_SQL_MODE})*",
            "comma-separated MySQL 8.0 SQL modes, e.g. STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION",
            optional=True,
        ),
    ] = setting("dbSqlMode", "", "sql_mode, as on dev (empty: the engine default).")
    time_zone: Annotated[
        str,
        Text(
            r"UTC|[A-Z][A-Za-z_]+(/[A-Z][A-Za-z_+-]+){1,2}",
            "UTC or a zone name such as Europe/Berlin",
            optional=True,
        ),
    ] = setting("dbTimeZone", "", "time_zone, as on dev (empty: the engine default, UTC).")
    character_set: Annotated[
        str, Text(r"[a-z0-9]{2,32}", "a MySQL character set name such as utf8mb4", optional=True)
    ] = setting("dbCharacterSet", "", "character_set_server, as on dev (empty: the engine default, utf8mb4).")
    collation: Annotated[
        str,
        Text(r"[a-z0-9]{2,32}_[a-z0-9_]{2,64}", "a collation name such as utf8mb4_0900_ai_ci", optional=True),
    ] = setting(
        "dbCollation", "", "collation_server, as on dev (empty: the engine default, utf8mb4_0900_ai_ci)."
    )
    lower_case_table_names: Annotated[str, OneOf(("", "0", "1"))] = setting(
        "dbLowerCaseTableNames",
        "",
        "lower_case_table_names, as on dev (empty: the engine default, 0). MySQL 8.0 fixes it "
        "when the instance is created: it cannot change later.",
    )
    max_allowed_packet: Annotated[int, Whole(0, 1_073_741_824)] = setting(
        "dbMaxAllowedPacketBytes",
        0,
        "max_allowed_packet in bytes, a multiple of 1024 and at least dev's (0: the engine default, 64 MiB).",
    )


def packet_in_kib(s: Settings) -> Iterator[Problem]:
    packet = s.db_parameters.max_allowed_packet
    if packet and (packet < 1024 or packet % 1024):
        yield Problem("dbMaxAllowedPacketBytes", packet, "0 or a multiple of 1024, at least 1024")


def collation_of_the_character_set(s: Settings) -> Iterator[Problem]:
    p = s.db_parameters
    if p.collation and p.character_set and not p.collation.startswith(p.character_set + "_"):
        yield Problem(
            "dbCollation",
            p.collation,
            f"a collation of dbCharacterSet {p.character_set} ({p.character_set}_...)",
        )


CHECKS = [packet_in_kib, collation_of_the_character_set]
