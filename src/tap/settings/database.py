"""Dev's database (read, never modified), production's instance, and where the seed snapshot
stopped replicating."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from pydantic.dataclasses import dataclass

from tap.errors import Problem
from tap.rds_audit import audit_plugin_problem
from tap.settings.core import phase_only_plan
from tap.settings.fields import GROUP_CONFIG, setting
from tap.settings.kinds import Flag, OneOf, Text, Whole

if TYPE_CHECKING:
    from tap.settings.model import Settings

# Classes that run MySQL 8.0 Multi-AZ with Performance Insights.
DB_INSTANCE_CLASSES = tuple(
    f"db.{family}.{size}"
    for family in ("m5", "m6i", "r5", "r6i")
    for size in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge")
)
RDS_IDENTIFIER = r"[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)"


@dataclass(frozen=True, config=GROUP_CONFIG)
class DatabaseSettings:
    dev_db_instance_id: Annotated[
        str,
        Text(
            RDS_IDENTIFIER,
            "an RDS instance identifier: a letter, then up to 62 letters, "
            "digits or single hyphens, not ending in a hyphen",
            optional=True,
        ),
    ] = setting(
        "devDbInstanceId", "", "Identifier of the dev MySQL instance (read, never modified). Required."
    )
    instance_class: Annotated[str, OneOf(DB_INSTANCE_CLASSES)] = setting(
        "dbInstanceClass", "db.r5.large", "Production instance class."
    )
    allocated_storage_gib: Annotated[int, Whole(20, 65536)] = setting(
        "dbAllocatedStorageGib", 100, "gp3 storage in GiB."
    )
    engine_version: Annotated[
        str,
        Text(
            r"8\.[04]\.\d{1,3}",
            "an exact MySQL version 8.0.N or 8.4.N equal to dev's (a major-only version such as "
            "8.0 makes the restore modify the instance to RDS's default minor: an unplanned "
            "upgrade mid-cutover)",
            optional=True,
        ),
    ] = setting(
        "dbEngineVersion",
        "",
        "Exact MySQL engine version, equal to dev's while a data fallback is possible (a newer "
        "server cannot replicate to an older one). Required; `tap preflight` shows dev's.",
    )
    dev_decommissioned: Annotated[bool, Flag()] = setting(
        "devDecommissioned",
        False,
        "Set true once dev's database is gone (allowed only after dev has retired, at "
        "complete): the stack then stops reading it.",
    )
    iam_user: Annotated[
        str,
        Text(
            r"[A-Za-z_][A-Za-z0-9_]{0,31}",
            "a MySQL user name: a letter or _, then up to 31 letters, digits or _",
        ),
    ] = setting(
        "dbIamUser",
        "payments_app",
        "Database user the app fleets connect as with IAM authentication (rds-db:connect).",
    )
    backup_retention_days: Annotated[int, Whole(7, 35)] = setting(
        "dbBackupRetentionDays", 7, "Automated backups and point-in-time recovery window."
    )

    @property
    def parameter_group_family(self) -> str:
        """`mysql8.0` or `mysql8.4`: a parameter group of another family is refused by RDS."""
        return "mysql" + ".".join(self.engine_version.split(".")[:2])


@dataclass(frozen=True, config=GROUP_CONFIG)
class SeedSettings:
    """Where the seed snapshot stopped replicating: printed by `tap db seed`, tagged on the
    snapshot, and where production's replication from dev starts."""

    seed_binlog_file: Annotated[
        str,
        Text(
            r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}\.\d{6,}",
            "a binary log file name as the seed replica reports it, e.g. mysql-bin-changelog.000123",
            optional=True,
        ),
    ] = setting(
        "seedBinlogFile",
        "",
        "Binlog file of dev the seed replica had applied when `tap db seed` stopped it. "
        "Required from the snapshot phase on.",
    )
    seed_binlog_position: Annotated[int, Whole(0, 2**63 - 1)] = setting(
        "seedBinlogPosition",
        0,
        "Position in seedBinlogFile (0 = not recorded yet; a real position is at least 4). "
        "Required from the snapshot phase on.",
    )


def dev_read_while_it_serves(s: Settings) -> Iterator[Problem]:
    if s.database.dev_decommissioned and not s.phase_plan.dev_retired:
        yield Problem(
            "devDecommissioned",
            True,
            f"false while dev still serves traffic or takes writes (phase "
            f"{s.core.migration_phase.value!r}); dev may be decommissioned only after it retires",
        )
    if not s.database.dev_db_instance_id:
        yield Problem(
            "devDbInstanceId",
            "",
            "the dev RDS instance identifier: every phase reads dev (its address is the "
            "database endpoint until production takes the writes)",
        )


def engine_version_pinned(s: Settings) -> Iterator[Problem]:
    """Pinned to dev's exact version (docs/deployability.md), with the audit option RDS offers
    for it (the database audit log needs the MariaDB audit plugin)."""
    version = s.database.engine_version
    if not version:
        yield Problem(
            "dbEngineVersion",
            "",
            "dev's exact MySQL version, e.g. 8.0.39 (`tap preflight` reads it from RDS)",
        )
    elif why := audit_plugin_problem(version):
        yield Problem("dbEngineVersion", version, why + " (the database audit log needs it)")


def seed_coordinates_recorded(s: Settings) -> Iterator[Problem]:
    """Required exactly where the phase tags the seed snapshot with them."""
    seed = s.seed
    if not phase_only_plan(s.core).needs_seed_coordinates:
        return
    why = f"; phase {s.core.migration_phase.value!r} tags the seed snapshot with it (see `tap db seed`)"
    if not seed.seed_binlog_file:
        yield Problem("seedBinlogFile", "", "the binlog file `tap db seed` printed" + why)
    if seed.seed_binlog_position < 4:
        yield Problem(
            "seedBinlogPosition",
            seed.seed_binlog_position,
            "the position `tap db seed` printed (at least 4)" + why,
        )


CHECKS = [dev_read_while_it_serves, engine_version_pinned, seed_coordinates_recorded]
