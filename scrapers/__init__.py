"""Source modules, one per published list. `SOURCES` is the registry the CLI and the API read."""

from __future__ import annotations

from types import ModuleType

# Order matters for the bundled snapshot: licence lists first, then aliases that link to them.
MODULES: list[ModuleType] = []


def by_id() -> dict[str, ModuleType]:
    return {module.SOURCE.id: module for module in MODULES}
