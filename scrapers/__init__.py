"""Source modules, one per published list. `SOURCES` is the registry the CLI and the API read."""

from __future__ import annotations

from types import ModuleType

from scrapers import (
    cn_nfra_legal_entities,
    cn_nfra_licence,
    gb_fca_register,
    gb_fca_unauthorised,
    id_ojk_p2p_licensed,
    id_satgas_illegal,
    in_rbi_dla,
    in_rbi_nbfc,
)

# Order matters for the bundled snapshot: licence lists first, then aliases that link to them.
MODULES: list[ModuleType] = [
    cn_nfra_legal_entities,
    cn_nfra_licence,
    gb_fca_register,
    gb_fca_unauthorised,
    id_ojk_p2p_licensed,
    id_satgas_illegal,
    in_rbi_nbfc,
    in_rbi_dla,
]


def by_id() -> dict[str, ModuleType]:
    return {module.SOURCE.id: module for module in MODULES}
