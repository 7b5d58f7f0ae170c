"""What RDS for MySQL accepts for the MariaDB audit plugin: pure facts, read by the settings
check and by the option group (tap.components.database_audit).

RDS facts (Appendix.MySQL.Options.AuditPlugin): on 8.0 the option exists from 8.0.28 on, so
`audit_plugin_problem` refuses an older pinned 8.0 version before anything is created. One
edition of that page lists only 5.7 and 8.0.28+; a newer one drops the list. Whether an 8.4
instance takes the option is answered by `rds describe-option-group-options --engine-name
mysql --major-engine-version 8.4` in the target account, not by this module. Valid
SERVER_AUDIT_EVENTS on MySQL: CONNECT, QUERY, QUERY_DDL, QUERY_DML, QUERY_DML_NO_SELECT,
QUERY_DCL (TABLE is MariaDB-only).
"""

from __future__ import annotations

import re

AUDIT_OPTION = "MARIADB_AUDIT_PLUGIN"
AUDIT_EVENTS = ("CONNECT", "QUERY_DDL", "QUERY_DCL")
AUDIT_LOG = "audit"
# The earliest 8.0 minor version RDS offers the plugin for.
FIRST_AUDITABLE_8_0_MINOR = 28


def major_version(engine_version: str) -> str:
    """The option group's major engine version: 8.0 from 8.0 or 8.0.39."""
    return ".".join(engine_version.split(".")[:2])


def audit_plugin_problem(engine_version: str) -> str | None:
    """Why RDS would refuse the audit option for this version, or None when it accepts it."""
    m = re.fullmatch(r"(\d+)\.(\d+)(?:\.(\d+))?", engine_version)
    if not m:
        return f"an RDS MySQL version (got {engine_version!r})"
    if f"{m[1]}.{m[2]}" == "8.0" and m[3] is not None and int(m[3]) < FIRST_AUDITABLE_8_0_MINOR:
        return f"MySQL 8.0.{FIRST_AUDITABLE_8_0_MINOR} or later: RDS offers {AUDIT_OPTION} from there"
    return None
