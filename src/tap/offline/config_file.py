"""Reading a Pulumi stack settings file (`Pulumi.<stack>.yaml`) for offline use."""

from __future__ import annotations

from pathlib import Path

import yaml

from tap.errors import TapError
from tap.settings import NAMESPACE

EXAMPLE_FILE = "Pulumi.example.yaml"


def find_example(start: Path | None = None) -> Path:
    """Pulumi.example.yaml in this directory or the nearest parent that has one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / EXAMPLE_FILE
        if candidate.is_file():
            return candidate
    # An editable install keeps the package under src/ of the repository.
    candidate = Path(__file__).resolve().parents[3] / EXAMPLE_FILE
    if candidate.is_file():
        return candidate
    raise TapError(f"no {EXAMPLE_FILE} in {here} or above; pass --config FILE")


def load_values(path: Path) -> dict[str, object]:
    """The `tap:` keys of a stack file, without the prefix. Other namespaces are left to Pulumi."""
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise TapError(f"cannot read settings file {path}: {exc}") from exc
    config = (doc or {}).get("config") or {}
    if not isinstance(config, dict):
        raise TapError(f"{path}: 'config' must be a mapping of key: value")
    prefix = NAMESPACE + ":"
    return {k[len(prefix) :]: v for k, v in config.items() if str(k).startswith(prefix)}
