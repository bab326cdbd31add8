"""Checking what callers ask before it reaches the matcher: every problem is a clear 422."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from api.errors import BadQuery
from lendercheck.coverage import is_known_jurisdiction
from lendercheck.matcher.domains import host_of

MAX_NAME = 200
MAX_URL = 2048


@dataclass(frozen=True)
class LookupQuery:
    name: str | None = None
    domain: str | None = None
    url: str | None = None
    jurisdiction: str | None = None
    limit: int = 10


def _no_controls(field: str, value: str) -> None:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise BadQuery(f"{field}: must not contain control characters")


def check_query(
    name: str | None, domain: str | None, url: str | None, jurisdiction: str | None, limit: int
) -> LookupQuery:
    given = {k: v for k, v in (("name", name), ("domain", domain), ("url", url)) if v is not None}
    if not given:
        raise BadQuery("give one of name, domain or url, e.g. /lenders?name=招联消费金融")
    if len(given) > 1:
        raise BadQuery(f"give only one of name, domain or url (got {', '.join(given)})")
    field, value = next(iter(given.items()))
    _no_controls(field, value)
    value = value.strip()
    if not value:
        raise BadQuery(f"{field}: must not be empty")
    if field == "name" and len(value) > MAX_NAME:
        raise BadQuery(f"name: at most {MAX_NAME} characters (got {len(value)})")
    if field != "name":
        if len(value) > MAX_URL:
            raise BadQuery(f"{field}: at most {MAX_URL} characters")
        if host_of(value) is None or "." not in (host_of(value) or ""):
            raise BadQuery(f"{field}: cannot find a host name in {value[:80]!r}")
    if not 1 <= limit <= 50:
        raise BadQuery(f"limit: must be between 1 and 50 (got {limit})")
    code = None
    if jurisdiction is not None:
        code = jurisdiction.strip().upper()
        if not is_known_jurisdiction(code):
            raise BadQuery(
                f"jurisdiction: {jurisdiction!r} is not an ISO 3166-1 alpha-2 country code, e.g. CN, ID, IN, GB"
            )
    return LookupQuery(**{field: value}, jurisdiction=code, limit=limit)
