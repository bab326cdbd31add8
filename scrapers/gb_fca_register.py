"""UK: the FCA Financial Services Register, asked firm by firm through its API.

There is no bulk export of the register, so this source is on demand: a name search
(`Search?q=…&type=firm`, paged by `pgnp`) and, for each firm, `Firm/{FRN}`, `Names` (trading and
previous names), `Address` (the only published website) and `Permissions`.
Every answer is HTTP 200; whether a firm exists is in the body's `Status` code (`FSR-API-…`).

A firm counts as a licensed lender only when it is Authorised *and* holds a credit-lending
permission: an FCA authorisation alone (an insurer, an investment manager) is not a lending licence,
so such firms are kept with `lending=False` and the reason in `licence_type`.
Search rows of type "Unauthorised firm" are FCA Warning List hits: `scrapers.gb_fca_unauthorised`
turns the same search responses into warning records.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from lendercheck.records import NameKind, ParseError, RawResponse, Record, RecordName, Source
from lendercheck.settings import Settings, get_settings
from scrapers.base import BundledRun, SourceSkipped, raw_of

log = logging.getLogger(__name__)

API = "https://register.fca.org.uk/services/V0.1"
REGISTER = "Financial Conduct Authority (FCA)"

SOURCE = Source(
    id="gb-fca-register",
    name="FCA Financial Services Register (firms)",
    regulator=REGISTER,
    jurisdiction="GB",
    kind="licence",
    url="https://register.fca.org.uk/s/",
    covers=[
        "consumer credit lenders authorised by the FCA",
        "high-cost short-term (payday) lenders",
        "peer-to-peer lending platforms",
        "banks and building societies that lend",
        "other FCA-authorised firms (kept, but not counted as lenders without a lending permission)",
    ],
    min_records=1,
    on_demand=True,
    description=(
        "Firms looked up one by one in the FCA Register API: status, trading names, website and "
        "permissions. Licensed lender = Authorised and holding a credit-lending permission."
    ),
)

# Status codes end in -00 for found, -11 for not found and -21 for bad input (FSR-API-02-01-11 …).
_FOUND, _NOT_FOUND, _BAD_INPUT = "00", "11", "21"

# Permissions that make an authorised firm a lender. The FCA words them as
# "Entering into regulated credit agreement as Lender (Excluding high-cost short-term credit, …)",
# with variants per credit type; P2P platforms hold "Operating an electronic system in relation to lending".
# Only lending itself: a P2P platform operator ("Operating an electronic system in relation to lending")
# or a credit broker is authorised for something else, and the answer says what.
LENDING_PERMISSIONS = ("entering into regulated credit agreement as lender",)
_POSTCODE = re.compile(r"\s*\(Postcode:\s*([^)]*)\)\s*$")
_FIRM_PATH = re.compile(r"/Firm/(\d+)(?:/(Names|Address|Permissions))?/?$")


class TokenBucket:
    """Client-side limit: the FCA allows 50 requests per 10 s per user and blocks for a minute beyond."""

    def __init__(
        self,
        capacity: int = 50,
        period: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.capacity = capacity
        self.rate = capacity / period
        self.clock = clock
        self.sleep = sleep
        self.tokens = float(capacity)
        self.updated = clock()

    def take(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            wait = (1 - self.tokens) / self.rate
            self.sleep(wait)
            self.tokens += wait * self.rate
            self.updated = self.clock()
        self.tokens -= 1


@dataclass
class FcaClient:
    """GETs against the API with the auth headers, the token bucket and the 429 back-off."""

    client: httpx.Client
    email: str
    key: str
    bucket: TokenBucket = field(default_factory=TokenBucket)
    sleep: Callable[[float], None] = time.sleep
    # A breach of the limit blocks the key for a minute, so a 429 waits that long before one more try.
    blocked_for: float = 60.0
    retries_after_429: int = 2

    def get(self, url: str, label: str) -> RawResponse:
        headers = {"X-AUTH-EMAIL": self.email, "X-AUTH-KEY": self.key, "Accept": "application/json"}
        for attempt in range(self.retries_after_429 + 1):
            self.bucket.take()
            response = self.client.get(url, headers=headers)
            if response.status_code != 429:
                break
            log.warning("fca rate limited", extra={"source": SOURCE.id, "url": url, "attempt": attempt})
            if attempt < self.retries_after_429:
                self.sleep(self.blocked_for)
        response.raise_for_status()
        return raw_of(response, label)


def credentialed_settings() -> Settings:
    """The settings, if they hold Register API credentials; otherwise the source is skipped, plainly."""
    settings = get_settings()
    if not settings.fca_email or not settings.fca_key:
        raise SourceSkipped(
            "FCA Register API needs LENDERCHECK_FCA_EMAIL and LENDERCHECK_FCA_KEY "
            "(free sign-up at https://register.fca.org.uk/Developer/s/)"
        )
    return settings


def fetch(client: httpx.Client) -> list[RawResponse]:
    """Refresh the firms already known to the store (by FRN); new names are asked with `fetch_with`."""
    settings = credentialed_settings()
    frns = known_frns(settings)
    if not frns:
        raise SourceSkipped("no FCA firms known yet: look firms up by name first (gb_fca_register.fetch_with)")
    return fetch_with(client, settings.fca_email, settings.fca_key, frns=frns)


def known_frns(settings: Any) -> list[str]:
    from sqlmodel import select

    from lendercheck.models import RecordRow
    from lendercheck.store import make_engine, session_scope

    engine = make_engine(settings)
    try:
        with session_scope(engine) as session:
            rows = session.exec(select(RecordRow.record_id).where(RecordRow.source_id == SOURCE.id)).all()
    finally:
        engine.dispose()
    return sorted({r.removeprefix("GB-FRN:") for r in rows})


def fetch_with(
    client: httpx.Client,
    email: str,
    key: str,
    *,
    queries: Iterable[str] = (),
    frns: Iterable[str] = (),
    max_firms_per_query: int = 10,
    fca: FcaClient | None = None,
) -> list[RawResponse]:
    """Search each name, then fetch the firm records for the FRNs found (up to a cap) and those given."""
    fca = fca or FcaClient(client, email, key)
    raws: list[RawResponse] = []
    wanted: list[str] = list(frns)
    for query in queries:
        pages = search_pages(fca, query)
        raws.extend(pages)
        hits = [row["Reference Number"] for page in pages for row in search_rows(page) if _is_firm_row(row)]
        wanted.extend(hits[:max_firms_per_query])
    for frn in dict.fromkeys(wanted):
        raws.extend(firm_responses(fca, frn))
    return raws


def search_pages(fca: FcaClient, query: str) -> list[RawResponse]:
    pages: list[RawResponse] = []
    page = 1
    while True:
        url = str(httpx.URL(f"{API}/Search", params={"q": query, "type": "firm", "pgnp": page}))
        raw = fca.get(url, f"search {query} p{page}")
        pages.append(raw)
        body = envelope(raw)
        info = body.get("ResultInfo") or {}
        if not status_found(body) or not info.get("Next"):
            return pages
        page += 1


def firm_responses(fca: FcaClient, frn: str) -> list[RawResponse]:
    firm = fca.get(f"{API}/Firm/{frn}", f"firm {frn}")
    if not status_found(envelope(firm)):
        return [firm]  # the answer itself ("Firm not found") is kept as evidence
    raws = [firm]
    for part in ("Names", "Address", "Permissions"):
        raws.extend(paged(fca, f"{API}/Firm/{frn}/{part}", f"{part.lower()} {frn}"))
    return raws


def paged(fca: FcaClient, url: str, label: str) -> list[RawResponse]:
    """Follow `ResultInfo.Next` (20 permissions or 10 names per page)."""
    raws: list[RawResponse] = []
    next_url: str | None = url
    while next_url:
        raw = fca.get(next_url, f"{label} p{len(raws) + 1}")
        raws.append(raw)
        next_url = (envelope(raw).get("ResultInfo") or {}).get("Next")
    return raws


# --- parsing ---------------------------------------------------------------------------------


def envelope(raw: RawResponse) -> dict[str, Any]:
    """The FCA body, checked for its shape: `Status`, `Message`, `ResultInfo`, `Data`."""
    if raw.status != 200:
        raise ParseError(f"HTTP {raw.status} from {raw.url}")
    try:
        body = json.loads(raw.content)
    except ValueError as error:
        raise ParseError(f"not JSON from {raw.url}: {raw.content[:80]!r}") from error
    if not isinstance(body, dict) or not str(body.get("Status", "")).startswith("FSR-API-"):
        raise ParseError(f"no FSR-API status in the answer from {raw.url}")
    code = body["Status"].rsplit("-", 1)[-1]
    if code == _BAD_INPUT:
        raise ParseError(f"{body['Status']} {body.get('Message', '')} for {raw.url}")
    if code not in (_FOUND, _NOT_FOUND):
        raise ParseError(f"unknown status {body['Status']} {body.get('Message', '')} for {raw.url}")
    return body


def status_found(body: dict[str, Any]) -> bool:
    return str(body["Status"]).endswith("-" + _FOUND) and body.get("Data") is not None


def search_rows(raw: RawResponse) -> list[dict[str, Any]]:
    body = envelope(raw)
    if not status_found(body):
        return []
    rows = body["Data"]
    if not isinstance(rows, list):
        raise ParseError(f"search data is not a list at {raw.url}")
    return rows


def _is_firm_row(row: dict[str, Any]) -> bool:
    return bool(row.get("Reference Number")) and "/Firm/" in str(row.get("URL") or "")


def split_postcode(text: str) -> tuple[str, str | None]:
    """Search rows read "Name (Postcode: EC2A 1RS)"; the postcode is not part of the name."""
    match = _POSTCODE.search(text)
    if not match:
        return text.strip(), None
    return text[: match.start()].strip(), match.group(1).strip()


@dataclass
class _Firm:
    frn: str
    firm: RawResponse | None = None
    parts: dict[str, list[RawResponse]] = field(default_factory=dict)


def parse(raw: RawResponse) -> list[Record]:
    return parse_run([raw])


def parse_run(raws: Sequence[RawResponse]) -> list[Record]:
    """One record per firm whose `Firm/{FRN}` answer is in the run; search pages are not firm records."""
    firms: dict[str, _Firm] = {}
    for raw in raws:
        match = _FIRM_PATH.search(urlsplit(raw.url).path)
        if not match:
            envelope(raw)  # search pages: checked here, read by the warning source
            continue
        frn, part = match.groups()
        entry = firms.setdefault(frn, _Firm(frn))
        if part is None:
            entry.firm = raw
        else:
            entry.parts.setdefault(part, []).append(raw)
    records = []
    for entry in firms.values():
        if entry.firm is None:
            log.info("fca sub-resources without a firm record", extra={"source": SOURCE.id, "frn": entry.frn})
            continue
        record = firm_record(entry, entry.firm)
        if record is not None:
            records.append(record)
    return records


def firm_record(entry: _Firm, firm_raw: RawResponse) -> Record | None:
    body = envelope(firm_raw)
    if not status_found(body):
        log.info("fca firm not found", extra={"source": SOURCE.id, "frn": entry.frn, "status": body["Status"]})
        return None
    (firm,) = body["Data"]
    if firm["FRN"] != entry.frn:
        raise ParseError(f"asked for FRN {entry.frn}, got {firm['FRN']}")
    permission_pages = entry.parts.get("Permissions", [])
    permissions = permission_names(permission_pages)
    lending_permissions = [p for p in permissions if p.lower().startswith(LENDING_PERMISSIONS)]
    status = firm["Status"]
    authorised = status == "Authorised"
    lending = authorised and bool(lending_permissions)
    if lending:
        licence_type = "FCA authorisation with credit-lending permission: " + "; ".join(lending_permissions)
    elif authorised and permission_pages:
        licence_type = "FCA authorisation without a credit-lending permission"
    elif authorised:
        licence_type = "FCA authorisation (permissions not fetched)"
    else:
        licence_type = f"FCA register entry ({firm.get('Business Type') or 'no business type'})"
    names, dates = trading_names(entry.parts.get("Names", []))
    stamp = _date(firm.get("System Timestamp", "")[:10])
    return Record(
        source_id=SOURCE.id,
        record_id=f"GB-FRN:{entry.frn}",
        name=firm["Organisation Name"],
        names=names,
        domains=websites(entry.parts.get("Address", [])),
        registration=f"GB-FRN:{entry.frn}",
        licence_type=licence_type,
        licence_number=f"FRN {entry.frn}",
        lending=lending,
        status=status + (f" ({firm['Sub-Status']})" if firm.get("Sub-Status") else ""),
        active=authorised,
        # An on-demand run speaks only for the firms it asked about, so each firm is its own class:
        # refreshing one firm never removes the others.
        segment=f"FRN {entry.frn}",
        as_of=stamp,
        dates={"status_effective": _iso(firm.get("Status Effective Date", "")), **dates},
        fields={
            "companies_house_number": firm.get("Companies House Number", ""),
            "business_type": firm.get("Business Type", ""),
            "permissions": permissions,
            "exceptional_info": firm.get("Exceptional Info Details", []),
            "system_timestamp": firm.get("System Timestamp", ""),
        },
        source_url=firm_raw.url,
        retrieved_at=firm_raw.retrieved_at,
    )


def permission_names(pages: Sequence[RawResponse]) -> list[str]:
    names: list[str] = []
    for raw in pages:
        body = envelope(raw)
        if not status_found(body):
            continue
        if not isinstance(body["Data"], dict):
            raise ParseError(f"permissions are not a mapping at {raw.url}")
        names.extend(body["Data"])
    # Bookkeeping rows such as "CBTL Status" sit among the permissions; they are kept as published.
    return list(dict.fromkeys(names))


def found_data(pages: Sequence[RawResponse]) -> Iterable[Any]:
    for raw in pages:
        body = envelope(raw)
        if status_found(body):
            if not isinstance(body["Data"], list):
                raise ParseError(f"data is not a list at {raw.url}")
            yield from body["Data"]


def trading_names(pages: Sequence[RawResponse]) -> tuple[list[RecordName], dict[str, str]]:
    names: list[RecordName] = []
    dates: dict[str, str] = {}
    for block in found_data(pages):
        for label, rows in block.items():
            current = label == "Current Names"
            for row in rows:
                trading = row.get("Status") == "Trading"
                kind = (NameKind.trading if trading else NameKind.legal) if current else NameKind.former
                names.append(RecordName(name=row["Name"].strip(), kind=kind))
                span = _iso(row.get("Effective From", ""))
                if row.get("Effective To"):
                    span += " to " + _iso(row["Effective To"])
                dates[f"name: {row['Name'].strip()}"] = span
    return list(dict.fromkeys(names)), dates


def websites(pages: Sequence[RawResponse]) -> list[str]:
    found = [row.get("Website Address", "").strip() for row in found_data(pages)]
    return list(dict.fromkeys(site for site in found if site))


def _date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _iso(text: str) -> str:
    parsed = _date(text)
    return parsed.isoformat() if parsed else text


# --- the saved copy --------------------------------------------------------------------------


def recorded_responses(shared: Path) -> list[RawResponse]:
    """The 75 recorded answers (2026-02-27), each under its real API URL and the time it was sent."""
    raws = []
    for path in sorted((shared / "gb" / "fca-register-api").glob("*.json")):
        saved = json.loads(path.read_text(encoding="utf-8"))
        sent = parsedate_to_datetime(saved["headers"]["date"]).astimezone(UTC)
        raws.append(RawResponse(
            url=saved["url"], status=saved["status_code"], content=json.dumps(saved["content"]["json"]).encode(),
            content_type=saved["headers"].get("content-type", ""), retrieved_at=sent, label=path.stem[-40:],
        ))
    return raws


def is_firm_or_search(raw: RawResponse) -> bool:
    path = urlsplit(raw.url).path
    if path.endswith("/Search"):
        return parse_qs(urlsplit(raw.url).query).get("type") == ["firm"]
    return bool(_FIRM_PATH.search(path))


def bundled(shared: Path) -> list[BundledRun]:
    raws = [raw for raw in recorded_responses(shared) if is_firm_or_search(raw)]
    if not raws:
        return []
    return [BundledRun(raws=raws, records=parse_run(raws), retrieved_at=max(r.retrieved_at for r in raws))]
