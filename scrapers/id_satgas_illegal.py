"""Indonesia: the Satgas PASTI (formerly SWI) alert list of illegal online lenders, investments and pawns.

The portal (`emiten.ojk.go.id/Satgas/AlertPortal/IndexAlertPortal`) shows one table: name, address,
phone, web, entity type, activity type, input date and a description that is usually the number of the
Satgas press release that announced the entry (`SP 08/STPASTI/XI/2023`): that number is the evidence.

The data is messy, and the cleaning here is what makes it searchable:
- names are app-store titles, "Uang Mudah - Pinjam Dana Cepat": the part before the dash is the brand;
- app-store and APK-mirror URLs sit in the address column, often with the first dot of the host
  dropped (`https://apksoscom/app/…`, `wwwfacebook.com`) and with line-wrap spaces inside
  (`play.google.com/sto re/apps/…`); they give Play package ids, not the lender's own domain;
- the portal has no row id, so a record's id is a hash of its published content, and rows repeated
  word for word are listed once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from lendercheck.matcher import registrable_domain
from lendercheck.records import NameKind, ParseError, RawResponse, Record, RecordName, Source
from scrapers.base import BundledRun, get, saved_copy

log = logging.getLogger(__name__)

PORTAL = "https://emiten.ojk.go.id/Satgas/AlertPortal/IndexAlertPortal"

SOURCE = Source(
    id="id-satgas-illegal",
    name="Satgas PASTI alert list (illegal pinjol, investments and pawns)",
    regulator="Satgas PASTI (OJK)",
    jurisdiction="ID",
    kind="warning",
    url=PORTAL,
    covers=[
        "illegal online lenders (pinjol ilegal) and their apps",
        "illegal investment schemes",
        "illegal pawn businesses",
    ],
    # 9,019 entries in December 2024 and only growing: a list of a few thousand is a broken page.
    min_records=5000,
    description=(
        "Entities Indonesia's Satgas PASTI (formerly Satgas Waspada Investasi) declared illegal, with app "
        "names, app-store links and the press release announcing each. Absence from it proves nothing."
    ),
)

COLUMNS = ["name", "address", "phone", "web", "entity_type", "activity_type", "input_date", "description"]
KINDS = {"Fintech Ilegal": "illegal pinjol", "Investasi Ilegal": "illegal investment", "Gadai Ilegal": "illegal pawn"}

# "SP 08/STPASTI/XI/2023", "SP07/IX/SWI/2018", "SP/2/SWI/2017", "SP 44 DKNS/OJK/IV/2017".
_PRESS_RELEASE = re.compile(r"SP[\s/]?\s?\d+[\s/][A-Z0-9./ ]*?\d{4}")
_KOMINFO = re.compile(r"\d+/HM/KOMINFO/\d+/\d{4}")
# "Brand - tagline", "Brand – tagline", "Brand: tagline", "Brand | tagline"; "Ko-Ki" is one word.
_TITLE_SPLIT = re.compile(r"\s+[-–—|]+\s*|\s*[-–—|]+\s+|:\s+")
_URL_START = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www)", re.IGNORECASE)
_DOMAIN_ALIAS = re.compile(r"^(?:www\.\s*)?[\w-]+(?:\.[\w-]+)+/?$")
_PACKAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+$")
_NOT_PACKAGE = (".html", ".htm", ".php", ".apk", ".aspx", ".jsp", ".xapk")
_NO_VALUE = {"", "-"}
# Words joining two URLs in one cell ("https://instagram.com/x dan https://x.com").
_JOINERS = {"dan", "and", "&", ",", ";", "/"}

# Hosts seen with their first dot dropped where the generic repair (below) can't tell where it went.
MANGLED_HOSTS = {
    "playgoogle.com": "play.google.com",
    "webfacebook.com": "web.facebook.com",
    "webtelegram.org": "web.telegram.org",
    "mapkpure.com": "m.apkpure.com",
    "tme": "t.me",
    "apktools": "apk.tools",
    "apksupport": "apk.support",
    "apkmodyio": "apkmody.io",
}
# Platforms that host someone else's page: a link there names an app or a post, not the lender's site.
SHARED_DOMAINS = {
    "google.com", "apple.com", "facebook.com", "instagram.com", "whatsapp.com", "t.me", "telegram.org",
    "telegram.me", "youtube.com", "tiktok.com", "twitter.com", "x.com", "blogspot.com", "blogspot.co.id",
    "wordpress.com", "sfile.mobi", "bit.ly", "linktr.ee", "s.id", "9apps.com",
    "appagg.com", "appsonwindows.com", "androidappsapk.co", "playmods.net", "happymod.com", "steprimo.com",
    "softonicid.com", "softonic.com", "ldplayer.net", "appparapc.com", "appchopc.com", "applion.jp",
    "uptodown.com", "apppage.net", "99images.com", "simdif.com", "mi.com", "samsung.com",
}
# Hosts whose paths name an Android package (APK mirrors and app catalogues).
_APP_CATALOGUE = re.compile(r"apk|app|9apps|playmods|happymod|steprimo", re.IGNORECASE)
# Alias cells that are notes about the entry, not names of it.
_NOTE_PREFIXES = ("pencatutan", "duplikasi", "mengatasnamakan", "pengguna nama", "mencatut")
_FORMER_PREFIX = "dahulu "
_ALIAS_STOPWORDS = {"official", "unofficial", "tutorial", "credit", "category", "instagram", "anonim", "cash", "kta",
                    "ktp", "indonesia", "pencatutan"}


def fetch(client: httpx.Client) -> list[RawResponse]:
    """The portal page; its DataTables table holds every row (paging is done in the browser)."""
    return [get(client, PORTAL, "alert list")]


# --- reading the two shapes ------------------------------------------------------------------


def parse(raw: RawResponse) -> list[Record]:
    if raw.status != 200:
        raise ParseError(f"HTTP {raw.status} from {raw.url}")
    text = raw.text()
    if text.lstrip().startswith("{"):
        entries, as_of = entries_from_json(text)
    else:
        entries, as_of = entries_from_html(text), None
    if not entries:
        raise ParseError(f"no alert rows in the answer from {raw.url}")
    records: dict[str, Record] = {}
    repeats = 0
    for entry in entries:
        record = entry_record(entry, raw, as_of)
        if record is None:
            continue
        if record.record_id in records:
            repeats += 1  # the same row word for word: one entry listed twice
            continue
        records[record.record_id] = record
    log.info("satgas rows", extra={"source": SOURCE.id, "rows": len(entries), "repeats": repeats})
    return list(records.values())


def entries_from_json(text: str) -> tuple[list[dict[str, Any]], date | None]:
    """The portal's rows as saved by the ojk-invest-api scraper: lists per column, a `version` date."""
    body = json.loads(text)
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ParseError("not the alert list's JSON shape")
    version = body.get("version")
    as_of = datetime.strptime(version, "%d/%m/%Y").date() if isinstance(version, str) else None
    return body["data"], as_of


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag == "td" and self.in_body and self.rows:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def entries_from_html(text: str) -> list[dict[str, Any]]:
    """The portal table: a row number, then the eight columns in `COLUMNS` order."""
    table = _Table()
    table.feed(text)
    entries = []
    for cells in table.rows:
        if len(cells) != len(COLUMNS) + 1:
            raise ParseError(f"alert row with {len(cells)} cells, expected {len(COLUMNS) + 1}")
        entry: dict[str, Any] = dict(zip(COLUMNS, cells[1:], strict=True))
        for column in ("address", "phone", "web"):
            entry[column] = [part for part in entry[column].split("\n") if part.strip()]
        entry["activity_type"] = [part.strip() for part in entry["activity_type"].split("/") if part.strip()]
        entries.append(entry)
    return entries


# --- one entry -------------------------------------------------------------------------------


def entry_record(entry: dict[str, Any], raw: RawResponse, as_of: date | None) -> Record | None:
    name = _one_line(entry.get("name", ""))
    if not name:
        log.warning("alert row without a name", extra={"source": SOURCE.id, "entry": entry})
        return None
    cleaned = {column: _values(entry.get(column)) for column in ("alias", "address", "web", "email", "phone")}
    entity_type = str(entry.get("entity_type", "")).strip()
    description = _one_line(entry.get("description", ""))
    listed = _date(str(entry.get("input_date", "")))
    urls = list(dict.fromkeys(urls_in([name, *cleaned["address"], *cleaned["web"], *cleaned["alias"]])))
    domains, app_ids = classify_urls(urls)
    names, alias_domains = names_of(name, cleaned["alias"])
    press_release, reference = evidence_of(description)
    key = json.dumps([name, entity_type, entry.get("activity_type"), entry.get("input_date"), description,
                      cleaned], sort_keys=True, ensure_ascii=False)
    kind = KINDS.get(entity_type, entity_type.lower() or "listed")
    return Record(
        source_id=SOURCE.id,
        record_id=f"{listed.strftime('%Y%m%d') if listed else 'undated'}-{hashlib.sha1(key.encode()).hexdigest()[:10]}",
        name=name,
        names=names,
        domains=list(dict.fromkeys(domains + alias_domains)),
        app_ids=app_ids,
        licence_type=None,
        licence_number=None,
        lending=False,
        status=f"{kind} ({reference})",
        segment=entity_type or None,
        as_of=as_of,
        dates={"input_date": listed.isoformat()} if listed else {},
        fields={
            "press_release": press_release,
            "description": description,
            "entity_type": entity_type,
            "activity_type": entry.get("activity_type") or [],
            "urls": urls,
            **{column: values for column, values in cleaned.items() if values},
        },
        source_url=raw.url,
        retrieved_at=raw.retrieved_at,
    )


def evidence_of(description: str) -> tuple[str | None, str]:
    """The press release number and how the status cites it."""
    found = _PRESS_RELEASE.search(description)
    if found:
        number = re.sub(r"\s+", " ", found.group(0)).strip()
        return number, f"press release {number}"
    kominfo = _KOMINFO.search(description)
    if kominfo:
        return kominfo.group(0), f"Kominfo press release {kominfo.group(0)}"
    return None, f"listed by Satgas: {description}" if description else "listed by Satgas, no reference given"


def names_of(title: str, aliases: Sequence[str]) -> tuple[list[RecordName], list[str]]:
    names: list[RecordName] = []
    domains: list[str] = []
    brand = brand_of(title)
    if brand:
        names.append(RecordName(name=brand, kind=NameKind.brand, derived=True))
    for alias in aliases:
        text = _one_line(alias)
        lowered = text.lower()
        found = [part.replace(" ", "") for part in text.split(",")]
        found = [part for part in found if _DOMAIN_ALIAS.match(part) and registrable_domain(part)]
        if found:
            domains.extend(found)  # "www.fastinvestasi.id", "Sharing33.com, Sharing11.com, Sharing22.com"
            continue
        if lowered.startswith(_FORMER_PREFIX):
            names.append(RecordName(name=text[len(_FORMER_PREFIX):].strip(), kind=NameKind.former))
        elif lowered.startswith(_NOTE_PREFIXES) or lowered in _ALIAS_STOPWORDS or len(text) < 3 or text.isdigit():
            continue
        else:
            names.append(RecordName(name=text, kind=NameKind.brand))
    return list(dict.fromkeys(n for n in names if n.name and n.name != title)), domains


def brand_of(title: str) -> str | None:
    """"Uang Mudah - Pinjam Dana Cepat" → "Uang Mudah"; None when the title has no tagline."""
    if _URL_START.match(title):
        return None
    head = _TITLE_SPLIT.split(title, maxsplit=1)[0].strip()
    return head if head != title and len(head) >= 3 else None


# --- URLs ------------------------------------------------------------------------------------


def urls_in(cells: Iterable[str]) -> list[str]:
    """URLs in free-text cells, with line-wrap spaces closed up: a fragment that follows a URL and does
    not start one is the rest of it (`https://play.google.com/sto re/apps/details?id=com.am an.cair`)."""
    found: list[str] = []
    for cell in cells:
        current: str | None = None
        for token in cell.split():
            if _URL_START.match(token):
                if current:
                    found.append(current)
                current = token
            elif current is not None and token.lower() not in _JOINERS and "@" not in token:
                current += token
            elif current is not None:
                found.append(current)
                current = None
        if current:
            found.append(current)
    return [repair_url(url) for url in found]


def repair_url(url: str) -> str:
    url = url.replace("&amp;", "&").strip("()\"'<>")
    if "://" not in url:
        url = "http://" + url
    scheme, _, rest = url.partition("://")
    host, sep, path = rest.partition("/")
    return f"{scheme}://{repair_host(host)}{sep}{path}"


def repair_host(host: str) -> str:
    """Put back the dot the portal drops from a host: `apksoscom` → `apksos.com`, `wwwapkmonk.com` →
    `www.apkmonk.com`; hosts we can't place the dot in are left as they are (and give no domain)."""
    lowered = host.lower()
    if lowered in MANGLED_HOSTS:
        return MANGLED_HOSTS[lowered]
    if lowered.startswith("www") and not lowered.startswith("www.") and "." in lowered:
        return "www." + host[3:]
    if "." not in lowered:
        for suffix in ("com", "net", "org", "id", "io"):
            if lowered.endswith(suffix) and len(lowered) > len(suffix) + 2:
                return f"{host[: -len(suffix)]}.{host[-len(suffix):]}"
    return host


def classify_urls(urls: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split URLs into the lender's own web addresses and the Android packages that store links name."""
    domains: list[str] = []
    packages: list[str] = []
    for url in urls:
        parts = urlsplit(url)
        domain = registrable_domain(url)
        package = package_of(parts.hostname or "", parts.path, parts.query)
        if package:
            packages.append(package)
        if domain and domain not in SHARED_DOMAINS and not _APP_CATALOGUE.search(domain) and not package:
            domains.append(url)
    return list(dict.fromkeys(domains)), list(dict.fromkeys(packages))


def package_of(host: str, path: str, query: str) -> str | None:
    host = host.lower()
    if host == "play.google.com":
        ids = parse_qs(query).get("id", [])
        return ids[0] if ids and _PACKAGE.match(ids[0]) else None
    if host.endswith(("apple.com", "facebook.com", "instagram.com", "whatsapp.com")):
        return None
    if not _APP_CATALOGUE.search(host):
        return None
    for segment in reversed([s for s in path.split("/") if s]):
        if _PACKAGE.match(segment) and not segment.lower().endswith(_NOT_PACKAGE):
            return segment
    return None


# --- helpers ---------------------------------------------------------------------------------


def _values(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [str(item).strip() for item in items if str(item).strip() not in _NO_VALUE]


def _one_line(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


def _date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


# --- the saved copy --------------------------------------------------------------------------

COPY_NOTE = ("The portal's table as scraped by a third party (Namchee/ojk-invest-api, file data/illegals.json, "
             "commit 2abc317d) on 2024-12-08.")


def bundled(shared: Path) -> list[BundledRun]:
    path = shared / "id" / "satgas-alert-portal-2024-12-08" / "illegals.json"
    if not path.exists():
        return []
    scraped = datetime(2024, 12, 8, 17, 11, tzinfo=UTC)
    raw = saved_copy(path, PORTAL, scraped, "alert list", content_type="application/json")
    records = [record.model_copy(update={"note": COPY_NOTE}) for record in parse(raw)]
    return [BundledRun(raws=[raw], records=records, retrieved_at=scraped)]
