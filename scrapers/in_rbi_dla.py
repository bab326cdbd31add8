"""India: the RBI's directory of digital lending apps (DLAs) deployed by regulated entities.

Since July 2025 banks and NBFCs report the apps they lend through (their own, or a lending service
provider's) on RBI's CIMS portal, and RBI publishes them in a BusinessObjects report: entity, its
website, entity type, app name, app owner, store, link. RBI does not verify the entries.
Each (entity, app) pair is one alias record: the app's name, `links_to` the entity's legal name, so
the app lands on the entity's lender (an NBFC from `in_rbi_nbfc`, or a bank on its own), with the
directory as the evidence.

The export is untidy, and the cleaning is part of the source:
- the entity name is given only on the first row of each entity (carried forward here);
- store links run together, carry spaces, `&amp;amp;`, zero-width marks, or are page titles;
- a few rows are placeholders (NA, Nill, NONE, 0), one is a pasted header, and some rows are
  shifted one column left (Karur Vysya Bank) or name apps only by number (Manappuram).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from lendercheck.matcher import registrable_domain
from lendercheck.records import ParseError, RawResponse, Record, Source
from scrapers.base import BundledRun, SourceSkipped, saved_copy
from scrapers.in_rbi_nbfc import read_rows, split_former

log = logging.getLogger(__name__)

VIEWER = ("https://data.rbi.org.in/BOE/OpenDocument/opendoc/custom.jsp?sIDType=CUID"
          "&iDocID=ARfEgy.WNSVIvFfvSIVmBCw")

SOURCE = Source(
    id="in-rbi-dla",
    name="RBI directory of digital lending apps deployed by regulated entities",
    regulator="Reserve Bank of India (RBI)",
    jurisdiction="IN",
    kind="alias",
    url=VIEWER,
    covers=["lending apps and websites that RBI-regulated banks and NBFCs report as their digital lending apps"],
    # 2,758 rows (about 1,600 entity–app pairs) in September 2026.
    min_records=1000,
    description=(
        "App → regulated entity, as reported by the entities to RBI (RBI does not verify them). An app listed "
        "here is deployed by, or lends for, a bank or NBFC; an app missing from it is not proven illegal."
    ),
)

HEADER = ["Sr. No", "Entity Name", "Website of RE", "Entity Type", "Name of the DLA",
          "Name of the owner of DLA (Self-owned/ name of LSP in case DLA is of LSP)",
          "Available on (Website/ Name of app store)", "Link to DLA"]
_SR, _ENTITY, _SITE, _TYPE, _APP, _OWNER, _ON, _LINK = HEADER

# App-name cells that say "no app".
_NO_APP = {"", "na", "nil", "nill", "none", "0", "not available", "n/a", "-"}
_URL = re.compile(r"(?:https?|oaps|vivomarket)://.+?(?=(?:https?|oaps|vivomarket)://|\s|$)", re.IGNORECASE)
_PACKAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+$")
# Store links that name an Android package in their query: Play (id), Mi (id), Samsung (appId),
# Oppo (oaps://…?pkg=), Vivo (vivomarket://details?id=).
_PACKAGE_PARAMS = ("id", "appId", "pkg")
# Stores and platforms: a link there names an app, not the lender's own website.
STORE_DOMAINS = {"google.com", "apple.com", "mi.com", "samsung.com", "indusapp.store", "huawei.com",
                 "oppomobile.com", "vivo.com", "amazon.com", "apps.microsoft.com"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200e\u200f\ufeff"), None)
# Cells with a company name where a store name belongs mark the rows shifted one column left.
_COMPANY = re.compile(r"\b(LIMITED|LTD|BANK|PRIVATE)\b", re.IGNORECASE)


def fetch(client: httpx.Client) -> list[RawResponse]:
    raise SourceSkipped(
        "the RBI DLA directory is a BusinessObjects report that needs a browser session to export; "
        "save the XLSX export by hand and load it with `parse`"
    )


def parse(raw: RawResponse, *, as_of: date | None = None, note: str = "") -> list[Record]:
    if raw.status != 200:
        raise ParseError(f"HTTP {raw.status} from {raw.url}")
    rows = read_rows(raw.content, HEADER)
    groups: dict[str, dict[str, Any]] = {}
    entity = ""
    skipped = 0
    for row in rows:
        row = {key: (value or "").translate(_INVISIBLE) for key, value in row.items()}
        entity = _flat(row[_ENTITY]) or entity  # blank on follow-on rows of the same entity
        app, owner, available = _flat(row[_APP]), _flat(row[_OWNER]), _flat(row[_ON])
        if app in ("Name of the DLA", "Sr.No") or owner == "Name of the DLA":
            skipped += 1  # a header pasted into the data
            continue
        links = links_in(row[_LINK])
        if app.isdigit() and _COMPANY.search(available):
            app, owner, available = owner, available, ""  # shifted one column left
        elif app.isdigit():
            # Apps named only "1", "2" …: the package id is the only name the row gives.
            packages = [p for p in map(package_of, links) if p]
            app = packages[0] if packages else ""
        if not entity or app.lower() in _NO_APP:
            skipped += 1
            continue
        key = f"{entity} | {app}"
        group = groups.setdefault(key, {"entity": entity, "app": app, "site": _flat(row[_SITE]),
                                        "type": _flat(row[_TYPE]), "owners": [], "stores": [], "links": [],
                                        "raw_links": [], "sr": []})
        group["sr"].append(_flat(row[_SR]))
        for field, value in (("owners", owner), ("stores", available)):
            if value and value not in group[field]:
                group[field].append(value)
        group["links"].extend(link for link in links if link not in group["links"])
        if row[_LINK].strip() and not links:
            group["raw_links"].append(_flat(row[_LINK]))  # a page title where a URL belongs
    log.info("dla rows", extra={"source": SOURCE.id, "rows": len(rows), "skipped": skipped, "apps": len(groups)})
    return [app_record(key, group, raw, as_of, note) for key, group in groups.items()]


def app_record(key: str, group: dict[str, Any], raw: RawResponse, as_of: date | None, note: str) -> Record:
    legal_name, other, how = split_former(group["entity"])
    packages = [p for p in map(package_of, group["links"]) if p]
    sites = [link for link in group["links"] if link.lower().startswith("http") and not package_of(link)
             and registrable_domain(link) not in STORE_DOMAINS and registrable_domain(link)]
    entity_site = group["site"] if " " not in group["site"] and "@" not in group["site"] else ""
    if entity_site and registrable_domain(entity_site):
        sites.append(entity_site)
    return Record(
        source_id=SOURCE.id,
        # The export's row numbers change whenever an entity is added; the pair itself is the key.
        record_id=key,
        name=group["app"],
        domains=list(dict.fromkeys(sites)),
        app_ids=list(dict.fromkeys(packages)),
        links_to=legal_name,
        licence_type=f"digital lending app reported by a regulated entity ({group['type']})",
        status="listed in RBI DLA directory",
        segment=group["type"] or None,
        as_of=as_of,
        fields={
            "entity": group["entity"],
            **({"entity_" + ("merged_with" if how == "merged with" else "former_name"): other} if other else {}),
            "entity_type": group["type"],
            "website_of_re": group["site"],
            "owner": group["owners"],
            "available_on": group["stores"],
            "links": group["links"] + group["raw_links"],
            "sr_no": group["sr"],
        },
        source_url=raw.url,
        retrieved_at=raw.retrieved_at,
        note=note or "Reported to RBI by the regulated entity; RBI does not verify the entries.",
    )


def links_in(cell: str) -> list[str]:
    """URLs in a link cell: split where two run together, unescaped, stripped of stray marks."""
    text = cell.translate(_INVISIBLE).replace("&amp;amp;", "&").replace("&amp;", "&")
    found = []
    for match in _URL.finditer(text.strip(" ?")):
        url = match.group(0).rstrip(".,;)")
        if url not in found:
            found.append(url)
    return found


def package_of(link: str) -> str | None:
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    store = (host == "play.google.com" or host.endswith(("mi.com", "samsung.com"))
             or parts.scheme.lower() in ("oaps", "vivomarket") or host in ("oaps", "vivomarket"))
    if not store:
        return None
    query = parse_qs(parts.query)
    for param in _PACKAGE_PARAMS:
        for value in query.get(param, []):
            if _PACKAGE.match(value):
                return value
    return None


def _flat(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


# --- the saved copy --------------------------------------------------------------------------

COPY_NOTE = ("RBI's export of 2026-09-25, saved by a third party (DevwithAJ/Safe-Loan-Check); reported to RBI "
             "by the regulated entities, not verified by RBI.")


def bundled(shared: Path) -> list[BundledRun]:
    path = shared / "in" / "rbi-dla-directory-2026-09-25" / "dla_directory_raw_2026-09-25.csv"
    if not path.exists():
        return []
    exported = datetime(2026, 9, 25, tzinfo=UTC)
    raw = saved_copy(path, VIEWER, exported, "directory")
    return [BundledRun(raws=[raw], records=parse(raw, as_of=exported.date(), note=COPY_NOTE), retrieved_at=exported)]


def entities(records: Sequence[Record]) -> list[str]:
    return sorted({r.links_to for r in records if r.links_to})
