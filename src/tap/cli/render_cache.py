"""A cache of offline renders for `tap plan`, so that running it again with nothing changed does
not pay the ~2 s a render spends importing pulumi_aws's generated types.

An entry is reused only when everything a render reads is the same. The key material is:
- the settings values (the phase included) and the phase they parse to, and the stack name;
- the SHA-256 of every file of the installed `tap` package (the program, its components, the
  fake cloud and the policy rules all live there; the render reads no other file and no
  environment variable);
- pulumi, pulumi_aws and pulumi_random: their versions and their `RECORD` files (the hash of
  every file the installer wrote);
- the Python version.
The file name is the SHA-256 of that material, and the entry stores the material in full: a
hit compares it, not only the name. An entry is written only when it decodes back to exactly
the plan it came from (types included), so a value JSON cannot carry is rendered every time
rather than served changed. Anything unreadable is a miss and is rendered again.

Where: `.tap-cache/` in the working directory, or `$TAP_CACHE_DIR`. It holds plain JSON a
user can read or delete, and a `.gitignore` of `*` so it is never committed. The newest
`KEEP` entries are kept. `tap plan --no-cache` renders without reading or writing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from tap.offline.plan import Plan, PlannedResource
from tap.settings import parse

CACHE_ENV = "TAP_CACHE_DIR"
DEFAULT_DIR = ".tap-cache"
KEEP = 32
FORMAT = 1  # bump when the entry layout changes
PROVIDER_PACKAGES = ("pulumi", "pulumi_aws", "pulumi_random")
_TUPLE_FIELDS = ("dependencies", "ignore_changes")
PACKAGE_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Entry:
    """A plan and its policy summary, as a fresh render would give them."""

    plan: Plan
    policy: dict[str, Any]
    render_seconds: float
    rendered_at: str
    path: Path | None
    """Where the entry is (None when it could not be written)."""
    hit: bool
    """True when read from the cache, False when rendered by this run."""


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_DIR)


def source_digest(root: Path = PACKAGE_ROOT) -> str:
    """SHA-256 over every file of the tap package (relative path and content)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def site_of(package: str) -> Path | None:
    """The directory an installed package sits in, found without importing it."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).parent


def installed(package: str, site: Path | None = None) -> dict[str, str] | None:
    """Version and RECORD hash of an installed distribution, read from its dist-info next to
    the package (importlib.metadata scans every path entry: ten times slower)."""
    site = site or site_of(package)
    for info in sorted(site.glob(f"{package}-*.dist-info")) if site else ():
        record, metadata = info / "RECORD", info / "METADATA"
        if record.is_file() and metadata.is_file():
            lines = metadata.read_text().splitlines()
            version = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("Version:")), "")
            return {"version": version, "record_sha256": hashlib.sha256(record.read_bytes()).hexdigest()}
    return None


def _plain(value: object) -> bool:
    """Values JSON carries exactly: str keys, no tuples, no other types."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def key_material(values: dict[str, object], stack: str) -> str | None:
    """The canonical text of everything a render reads, or None when it cannot be keyed."""
    if not _plain(values):
        return None
    packages = {name: installed(name) for name in PROVIDER_PACKAGES}
    if any(v is None for v in packages.values()):
        return None
    material = {
        "format": FORMAT,
        "values": values,
        "phase": parse(values).core.migration_phase.value,
        "stack": stack,
        "tap_sources_sha256": source_digest(),
        "packages": packages,
        "python": sys.version,
    }
    return json.dumps(material)  # key order kept: it can reach the plan (a tags map, say)


def entry_path(material: str) -> Path:
    return cache_dir() / f"plan-{hashlib.sha256(material.encode()).hexdigest()[:24]}.json"


def _same(a: Any, b: Any) -> bool:
    """Equal, of the same types and in the same key order all the way down (1 == 1.0 == True
    is not enough here, and key order shows in the printed plan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _resource_dict(r: PlannedResource) -> dict[str, Any]:
    return {f.name: getattr(r, f.name) for f in fields(PlannedResource)}


def _decode_resource(d: dict[str, Any]) -> PlannedResource:
    return PlannedResource(**{**d, **{k: tuple(d[k]) for k in _TUPLE_FIELDS}})


def load(material: str) -> Entry | None:
    """The entry for this material, or None (absent, unreadable, or for other material)."""
    path = entry_path(material)
    try:
        doc = json.loads(path.read_text())
        if doc["key"] != material:
            return None
        values = json.loads(material)["values"]
        plan = Plan(
            settings=parse(values),
            resources=tuple(_decode_resource(r) for r in doc["resources"]),
            outputs=doc["outputs"],
        )
        seconds, rendered_at = float(doc["render_seconds"]), str(doc["rendered_at"])
        return Entry(plan, doc["policy"], seconds, rendered_at, path, hit=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def render_checked(values: dict[str, object], *, use_cache: bool = True, stack: str = "example") -> Entry:
    """The plan and policy summary for these settings: from the cache when the key material is
    unchanged, otherwise rendered through the mock engine (and stored)."""
    parse(values)  # a settings error comes first, exactly as without the cache
    material = key_material(values, stack) if use_cache else None
    if material is not None and (entry := load(material)) is not None:
        return entry
    from tap.offline.engine import render  # imported here: a hit never imports pulumi
    from tap.policies.runner import check_plan

    started = time.perf_counter()
    plan = render(values, stack=stack)
    seconds = time.perf_counter() - started
    policy = check_plan(plan).as_json()
    rendered_at = datetime.now(UTC).isoformat(timespec="seconds")
    path = store(material, plan, policy, seconds, rendered_at) if material is not None else None
    return Entry(plan, policy, seconds, rendered_at, path, hit=False)


def store(material: str, plan: Plan, policy: dict[str, Any], seconds: float, rendered_at: str) -> Path | None:
    """Write the entry if it decodes back to exactly this plan; the path, or None."""
    doc = {
        "key": material,
        "rendered_at": rendered_at,
        "render_seconds": seconds,
        "policy": policy,
        "outputs": plan.outputs,
        "resources": [_resource_dict(r) for r in plan.resources],
    }
    try:
        text = json.dumps(doc)
    except (TypeError, ValueError):
        return None
    back = json.loads(text)
    decoded = [_resource_dict(_decode_resource(r)) for r in back["resources"]]
    original = [_resource_dict(r) for r in plan.resources]
    exact = _same(decoded, original) and _same(back["outputs"], plan.outputs)
    if not (exact and _same(back["policy"], policy)):
        return None
    return _write(entry_path(material), text)


def _write(path: Path, text: str) -> Path | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# written by tap plan: offline render cache, safe to delete\n*\n")
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text)
        os.replace(partial, path)  # atomic: a concurrent reader sees the old entry or the new one
        _evict(path.parent)
    except OSError:
        return None  # a read-only checkout still plans; it renders each time
    return path


def _evict(directory: Path) -> None:
    entries = sorted(directory.glob("plan-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
