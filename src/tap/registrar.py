"""The decorator behind tap's registries (the offline fakes, the emulator's builders and
steps): `@register("aws:...", ...)` files a function under each key it names."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def registrar(table: dict[str, F]) -> Callable[..., Callable[[F], F]]:
    """A decorator factory that files the decorated function in `table` under every key given."""

    def under(*keys: str) -> Callable[[F], F]:
        def register(fn: F) -> F:
            for key in keys:
                table[key] = fn
            return fn

        return register

    return under
