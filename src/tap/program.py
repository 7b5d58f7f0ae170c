"""The Pulumi program. `__main__.py` calls `main()` under `pulumi up`; `tap plan` and the tests
call the same `main()` under the offline mock engine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env

from tap.outputs.collect import collect
from tap.settings import NAMESPACE, Settings, parse
from tap.stack import TapStack


def config_values() -> dict[str, object]:
    """Every `tap:` key Pulumi passed to this program, without the prefix. Reading them all
    (not only the known ones) lets a misspelt key fail loudly instead of being ignored."""
    merged: dict[str, Any] = {**get_config_env(), **CONFIG.get()}
    prefix = NAMESPACE + ":"
    return {k[len(prefix) :]: v for k, v in merged.items() if k.startswith(prefix)}


def load_settings(values: Mapping[str, object] | None = None) -> Settings:
    return parse(config_values() if values is None else values)


@dataclass(frozen=True)
class Program:
    settings: Settings
    stack: TapStack
    outputs: dict[str, pulumi.Output[Any]]


def build() -> Program:
    # Settings are validated here, before the first resource is declared.
    settings = load_settings()
    stack = TapStack("tap", settings)
    return Program(settings=settings, stack=stack, outputs=collect(stack))


def main() -> Program:
    program = build()
    for key, value in program.outputs.items():
        pulumi.export(key, value)
    return program
