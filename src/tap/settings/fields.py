"""How a settings group declares its fields: one pydantic config for every group, and
`setting()`, which names a field's config key (its alias) and its one-line description.

A field's kind (`Annotated[int, Whole(1, 100)]`) validates the value and says what is allowed;
`tap.settings.parse` reads the three back for the error report and the README's reference.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

# Frozen comes from each `@dataclass(frozen=True, ...)`: assigning raises AttributeError.
GROUP_CONFIG = ConfigDict(
    # `parse` reads config keys (the aliases); code builds groups by attribute name, e.g.
    # `dataclasses.replace(settings.monitoring, cpu_threshold_percent=90)`.
    validate_by_alias=True,
    validate_by_name=True,
    extra="forbid",
)


def setting(key: str, default: Any, doc: str) -> Any:
    """A field read from config key `tap:<key>`; `default` applies when the key is absent."""
    return Field(default, validation_alias=key, description=doc)
