"""Reading a Pulumi stack settings file (`Pulumi.<stack>.yaml`) for offline use.

The file is checked before any value reaches `tap.settings.parse`: its shape (a mapping with a
`config:` mapping), keys given twice (YAML keeps the last one silently; we refuse), keys outside
the namespaces the program reads (`tap:` for the stack, `aws:` for the provider), and an
`aws:region` that contradicts `tap:region`. Every one is a SettingsError (exit 2).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tap.errors import Problem, SettingsError, TapError
from tap.settings import KEYS, NAMESPACE, specs

EXAMPLE_FILE = "Pulumi.example.yaml"
# Namespaces a stack file may use: ours and the AWS provider's (`tap local` writes `aws:` keys).
NAMESPACES = (NAMESPACE, "aws")
DEFAULT_REGION = next(s.default for s in specs() if s.key == "region")


@dataclass(frozen=True)
class FileProblem(Problem):
    """A problem with a key as written in the file (namespace included, or none at all)."""

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r} is not allowed: {self.allowed}"


class SettingsFileError(SettingsError):
    """The settings file cannot be read as a stack file at all (syntax, shape)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.problems = ()
        TapError.__init__(self, f"settings file {path}: {reason}")


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping key given twice instead of keeping the last one."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice (lines {seen[key]} and {line})", key_node.start_mark
            )
        seen[key] = line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


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


def _kind(value: object) -> str:
    kinds = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return kinds.get(type(value), type(value).__name__)


def read_config(path: Path) -> dict[str, Any]:
    """The file's `config:` mapping, keys as written (`tap:region`, `aws:region`)."""
    try:
        with path.open() as stream:  # a stream, so YAML errors name the file
            doc = yaml.load(stream, Loader=_UniqueKeyLoader)
    except OSError as exc:
        raise SettingsFileError(path, f"cannot read it: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise SettingsFileError(path, f"not valid YAML: {exc}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise SettingsFileError(
            path, f"the top level must be a mapping with a 'config:' key, got {_kind(doc)}"
        )
    config = doc.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise SettingsFileError(
            path, f"'config' must be a mapping of key: value, got {_kind(config)}"
        )
    return {str(k): v for k, v in config.items()}


def _namespace_problems(config: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for key, value in config.items():
        ns, sep, name = key.partition(":")
        if sep and ns in NAMESPACES:
            continue
        if not sep:
            hint = f"; did you mean '{NAMESPACE}:{key}'?" if key in KEYS else ""
            allowed = f"a namespaced key such as '{NAMESPACE}:<setting>'{hint}"
            problems.append(FileProblem(key, value, allowed))
            continue
        close = difflib.get_close_matches(ns, NAMESPACES, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}:{name}'?" if close else ""
        namespaces = " or ".join(repr(n + ":") for n in NAMESPACES)
        problems.append(FileProblem(key, value, f"a key in namespace {namespaces}{hint}"))
    return problems


def _provider_problems(config: dict[str, Any]) -> list[Problem]:
    provider = config.get("aws:region")
    ours = config.get(f"{NAMESPACE}:region", DEFAULT_REGION)
    if provider is not None and provider != ours:
        return [
            FileProblem(
                "aws:region",
                provider,
                f"the same region as tap:region ({ours!r}): the provider would create the stack in "
                "one region while tap plans, checks and names it for another",
            )
        ]
    return []


def load_values(path: Path) -> dict[str, object]:
    """The `tap:` keys of a stack file, without the prefix, after the file-level checks."""
    config = read_config(path)
    problems = _namespace_problems(config) + _provider_problems(config)
    if problems:
        raise SettingsError(problems)
    prefix = NAMESPACE + ":"
    return {k[len(prefix) :]: v for k, v in config.items() if k.startswith(prefix)}
