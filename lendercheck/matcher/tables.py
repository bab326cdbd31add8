"""The normalizer's tables (`tables.yml`), loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Tables:
    cn_company_forms: list[str]
    latin_company_forms: list[str]
    cn_regions: dict[str, list[str]]
    cn_cities: list[str]
    cn_country_qualifiers: list[str]
    cn_country_prefixes: list[str]
    generic_cn: dict[str, list[str]]
    generic_latin: dict[str, list[str]]


def load_tables() -> Tables:
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("lendercheck.matcher").joinpath("tables.yml").read_text(encoding="utf-8")
    )
    generic = raw["generic_words"]
    return Tables(
        cn_company_forms=list(raw["cn_company_forms"]),
        latin_company_forms=list(raw["latin_company_forms"]),
        cn_regions={name: list(suffixes or []) for name, suffixes in raw["cn_regions"].items()},
        cn_cities=list(raw["cn_cities"]),
        cn_country_qualifiers=list(raw["cn_country_qualifiers"]),
        cn_country_prefixes=list(raw["cn_country_prefixes"]),
        generic_cn={w: list(c) for w, c in generic["cn"].items()},
        generic_latin={w: list(c) for w, c in generic["latin"].items()},
    )


TABLES = load_tables()
