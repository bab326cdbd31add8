"""URL / host → registrable domain, offline; app-store links → package ids."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

import tldextract

# suffix_list_urls=() keeps tldextract on its bundled Public Suffix List: no network at start-up.
# Private suffixes count (github.io, firebaseapp.com, …): loan apps and their clones live on shared
# hosting, and two sites there are not one lender.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

# An Android package id: com.kredivo.android. At least two dot-separated Java identifiers.
_PACKAGE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_STORE_HOSTS = {"play.google.com", "market.android.com"}


def host_of(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host:
        return None
    try:
        return host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        return None


@lru_cache(maxsize=65536)
def registrable_domain(text: str) -> str | None:
    """`https://m.Example.co.id/x` → `example.co.id`; None when there is no registrable domain."""
    host = host_of(text)
    if not host:
        return None
    parts = _EXTRACT(host)
    if not parts.suffix or not parts.domain:
        return None
    return f"{parts.domain}.{parts.suffix}"


def domain_label(domain: str) -> str:
    """The name part of a registrable domain: qitiandai.com → qitiandai, kredit-pintar.co.id → kreditpintar."""
    label = domain.split(".", 1)[0]
    return label.replace("-", "")


def play_store_id(text: str) -> str | None:
    """`https://play.google.com/store/apps/details?id=com.kredivo.android&hl=id` → `com.kredivo.android`."""
    text = text.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in _STORE_HOSTS:
        return None
    ids = parse_qs(parts.query).get("id")
    if not ids:
        return None
    app_id = ids[0].strip().lower()
    return app_id if _PACKAGE_ID.match(app_id) else None


def app_id_of(text: str) -> str | None:
    """A package id given as is, or inside a Play Store link."""
    text = text.strip()
    lowered = text.lower()
    if _PACKAGE_ID.match(lowered):
        return lowered
    return play_store_id(text)
