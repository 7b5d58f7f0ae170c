"""The switch's gates: each is a `GateResult` (the traffic controller's type), all must pass
before the source is fenced. A failed gate changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from tap.fence_filter import FENCE_SCHEMA, IGNORE_DB_PARAMETER, keeps_fences_local
from tap.migration.clock import Clock
from tap.migration.gates import GateResult, Verdict
from tap.replication.adapter import Server
from tap.replication.config import SwitchSettings
from tap.replication.fingerprint import chunk_checksum, chunks, key_bounds, schema_fingerprint
from tap.replication.observe import ServerState, binlog_position, observe
from tap.replication.ops import replica_from

RECHECKS = 3
# How long a checksum waits for the target to apply the source's position after a read.
CHECKSUM_WAIT_SECONDS = 60.0


def _fail(name: str, detail: str, **values: object) -> GateResult:
    return GateResult(name, Verdict.FAIL, detail, dict(values))


def _ok(name: str, detail: str, **values: object) -> GateResult:
    return GateResult(name, Verdict.PASS, detail, dict(values))


def roles_gate(source: ServerState, target: ServerState, writer: str | None, source_host: str) -> GateResult:
    """Exactly the source accepts app writes, the target is fenced, the writer names the source."""
    if source.missing_accounts or target.missing_accounts:
        return _fail("roles", f"app account(s) missing: {source.missing_accounts or target.missing_accounts}")
    if not source.accepts_app_writes:
        return _fail(
            "roles", f"{source.name} does not accept app writes: it is not the writer to switch from"
        )
    if not target.fenced:
        return _fail(
            "roles",
            f"{target.name} is not fenced (unlocked {list(target.unlocked_accounts)}, "
            f"{len(target.app_sessions)} app session(s))",
        )
    if writer != source_host:
        return _fail("roles", f"the writer record names {writer!r}, not {source.name} ({source_host})")
    return _ok("roles", f"{source.name} is the writer; {target.name} is fenced")


def replication_gate(source: Server, target: Server, settings: SwitchSettings, clock: Clock) -> GateResult:
    """Replicating, no error, lag <= max for the whole window (a position check follows the fence)."""
    waited, worst = 0.0, 0
    while True:
        status = replica_from(target, source.endpoint)
        if status is None:
            return _fail(
                "replication",
                f"{target.endpoint.name} does not replicate from {source.endpoint}: run `tap db sync`",
            )
        if status.broken:
            return _fail(
                "replication",
                f"{target.endpoint.name} replication error {status.last_errno}: {status.last_error[:200]} — "
                "never skipped: reseed (`tap db seed`, snapshot, restore, `tap db sync`)",
                errno=status.last_errno,
            )
        if not status.running or status.lag_seconds is None:
            return _fail(
                "replication", f"{target.endpoint.name} replication is not running (IO {status.io_running})"
            )
        worst = max(worst, status.lag_seconds)
        if status.lag_seconds > settings.max_lag_seconds:
            return _fail(
                "replication",
                f"{target.endpoint.name} lags {status.lag_seconds} s > {settings.max_lag_seconds} s allowed",
                lag_seconds=status.lag_seconds,
            )
        if waited >= settings.lag_window_seconds:
            return _ok(
                "replication", f"lag <= {settings.max_lag_seconds} s for {waited:.1f} s (worst {worst} s)"
            )
        clock.sleep(settings.poll_seconds)
        waited += settings.poll_seconds


def fence_filter_gate(source: Server, target: Server) -> GateResult:
    """The target drops fence statements (`tap.fence_filter`): a revert unlocks the source while
    the target replicates from it, and a target that applied that unlock would take writes too.
    Read from the replica itself (`Replicate_Ignore_DB`), whatever its parameter group says."""
    status = replica_from(target, source.endpoint)
    if status is None:
        return _fail("fence-filter", f"{target.endpoint.name} does not replicate from {source.endpoint}")
    if not status.keeps_fences_local:
        if status.only_schemas:  # a do list: the ignore list is not evaluated at all
            shown = f"applies only {','.join(status.only_schemas)}, which includes {FENCE_SCHEMA!r}"
        else:
            shown = f"ignores {','.join(status.ignored_schemas) or 'nothing'}, not {FENCE_SCHEMA!r}"
        return _fail(
            "fence-filter",
            f"{target.endpoint.name}'s replication {shown}: "
            f"a revert's unlock of {source.endpoint.name} would unlock it too; "
            f"set {IGNORE_DB_PARAMETER}={FENCE_SCHEMA} in its parameter group (dynamic)",
            ignored=list(status.ignored_schemas),
        )
    return _ok("fence-filter", f"{target.endpoint.name} ignores {FENCE_SCHEMA!r}: fences stay on their side")


def way_back_filter_gate(source: Server, target: Server) -> GateResult:
    """The source's own filters: once the target is unlocked the source replicates from it (the
    way back), and a source that applied the target's unlock would take writes too. The switch
    would see it only after fencing the source and revert; read it before anything changes."""
    filters = source.dialect.global_filters(source)
    if filters is None:
        return _ok(
            "way-back-filter",
            f"{source.endpoint.name}'s filters are not readable here (performance_schema off): the "
            "preflight check reads its parameter group, and the switch reverts before "
            f"{target.endpoint.name} is unlocked if its reverse replication lacks the filter",
        )
    if not keeps_fences_local(*filters):
        return _fail(
            "way-back-filter",
            f"{source.endpoint.name} would apply {target.endpoint.name}'s unlock once it replicates "
            f"from it ({IGNORE_DB_PARAMETER}={filters[0]!r}, replicate-do-db={filters[1]!r}); set "
            f"{IGNORE_DB_PARAMETER}={FENCE_SCHEMA} in its parameter group (dynamic)",
        )
    return _ok(
        "way-back-filter", f"{source.endpoint.name} ignores {FENCE_SCHEMA!r}: the way back keeps fences"
    )


def quiet_gate(source: ServerState) -> GateResult:
    if source.long_transactions:
        return _fail("quiet", f"long transaction(s) on {source.name}: {list(source.long_transactions)}")
    if source.xa_transactions:
        return _fail("quiet", f"{source.xa_transactions} prepared XA transaction(s) on {source.name}")
    if source.running_ddl:
        return _fail("quiet", f"DDL running on {source.name}: {list(source.running_ddl)}")
    return _ok("quiet", f"no long transaction, XA or DDL on {source.name}")


def schema_gate(source: Server, target: Server, schemas: tuple[str, ...]) -> GateResult:
    a, b = schema_fingerprint(source, schemas), schema_fingerprint(target, schemas)
    if a != b:
        return _fail(
            "schema",
            f"schemas {list(schemas)} differ between {source.endpoint.name} and {target.endpoint.name}",
        )
    return _ok("schema", f"schemas {list(schemas)} equal ({a[:12]})")


def _applied(target: Server, source: Server, at_least: object, clock: Clock, limit: float) -> bool:
    waited = 0.0
    while waited <= limit:
        status = replica_from(target, source.endpoint)
        if status is None or status.broken:
            return False
        if status.applied is not None and at_least is not None and status.applied >= at_least:  # type: ignore[operator]
            return True
        clock.sleep(0.05)
        waited += 0.05
    return False


def checksum_gate(source: Server, target: Server, settings: SwitchSettings, clock: Clock) -> GateResult:
    """Chunk by chunk; a differing chunk is re-read once the target applied the source's
    position taken right after the source's read, up to RECHECKS times."""
    rows = 0
    for table in settings.tables:
        bounds = key_bounds(source, table)
        if bounds is None:
            continue
        for lo, hi in chunks(*bounds):
            for attempt in range(RECHECKS + 1):
                ours = chunk_checksum(source, table, lo, hi)
                mark = binlog_position(source)
                if not _applied(target, source, mark, clock, CHECKSUM_WAIT_SECONDS):
                    return _fail(
                        "checksum", f"{target.endpoint.name} did not apply {mark} to compare {table}"
                    )
                theirs = chunk_checksum(target, table, lo, hi)
                if ours == theirs:
                    rows += ours[0]
                    break
                if attempt == RECHECKS:
                    return _fail(
                        "checksum",
                        f"{table} rows {lo}..{hi - 1} differ: {source.endpoint.name} {ours}, "
                        f"{target.endpoint.name} {theirs} (a diverged replica: reseed)",
                        table=str(table),
                        chunk=[lo, hi - 1],
                    )
    return _ok("checksum", f"{rows} payment row(s) equal in {len(settings.tables)} table(s)", rows=rows)


def run_gates(
    source: Server, target: Server, writer: str | None, settings: SwitchSettings, clock: Clock
) -> list[GateResult]:
    """Cheap gates first; stop at the first failure (no point checksumming a broken replica)."""
    s_state = observe(source, settings.accounts, settings.long_transaction_seconds)
    t_state = observe(target, settings.accounts, settings.long_transaction_seconds)
    results: list[GateResult] = []
    gates: tuple[Callable[[], GateResult], ...] = (
        lambda: roles_gate(s_state, t_state, writer, source.endpoint.host),
        lambda: replication_gate(source, target, settings, clock),
        lambda: fence_filter_gate(source, target),
        lambda: way_back_filter_gate(source, target),
        lambda: quiet_gate(s_state),
        lambda: schema_gate(source, target, settings.schemas),
        lambda: checksum_gate(source, target, settings, clock),
    )
    for gate in gates:
        results.append(gate())
        if not results[-1].passed:
            break
    return results
