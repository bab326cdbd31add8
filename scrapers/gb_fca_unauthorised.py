"""UK: FCA Warning List hits, as the Register API's firm search returns them.

A search (`Search?q=…&type=firm`) mixes register firms with rows of type "Unauthorised firm", status
"Unauthorised", no reference number and no URL: firms the FCA warns about. They carry a name and a
postcode only, so these records are weak evidence (no website); the full Warning List is HTML only.
The responses are the same as `gb_fca_register`'s searches; this module reads only those rows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from lendercheck.records import NameKind, RawResponse, Record, RecordName, Source
from scrapers import gb_fca_register as register
from scrapers.base import BundledRun, SourceSkipped

log = logging.getLogger(__name__)

SOURCE = Source(
    id="gb-fca-unauthorised",
    name="FCA Warning List hits in the Register search",
    regulator=register.REGISTER,
    jurisdiction="GB",
    kind="warning",
    url="https://www.fca.org.uk/consumers/warning-list",
    covers=["unauthorised firms and clones the FCA warns about, found by name search"],
    min_records=1,
    on_demand=True,
    description=(
        "Rows of type 'Unauthorised firm' returned by the FCA Register API's firm search: firms on the "
        "FCA Warning List, with name and postcode only. Found only for the names searched."
    ),
)

UNAUTHORISED = "Unauthorised firm"
# Titles carry the FCA's note on the kind of warning: "Revolution FSL (clone of FCA authorised firm)".
_CLONE_NOTE = re.compile(r"\s*\((clone[^)]*)\)\s*$", re.IGNORECASE)
_NO_POSTCODE = {"", "n/a"}


def fetch(client: httpx.Client) -> list[RawResponse]:
    """Repeat the searches that found the warnings already in the store; new names go through `fetch_with`."""
    settings = register.credentialed_settings()
    queries = known_queries(settings)
    if not queries:
        raise SourceSkipped("no FCA searches to repeat yet: search names first (gb_fca_unauthorised.fetch_with)")
    return fetch_with(client, settings.fca_email, settings.fca_key, queries)


def known_queries(settings: object) -> list[str]:
    from sqlmodel import select

    from lendercheck.models import RecordRow
    from lendercheck.store import make_engine, session_scope

    engine = make_engine(settings)  # type: ignore[arg-type]
    try:
        with session_scope(engine) as session:
            rows = session.exec(select(RecordRow.fields).where(RecordRow.source_id == SOURCE.id)).all()
    finally:
        engine.dispose()
    return sorted({row["query"] for row in rows if row.get("query")})


def fetch_with(client: httpx.Client, email: str, key: str, queries: Sequence[str]) -> list[RawResponse]:
    fca = register.FcaClient(client, email, key)
    return [page for query in queries for page in register.search_pages(fca, query)]


def parse(raw: RawResponse) -> list[Record]:
    return parse_run([raw])


def parse_run(raws: Sequence[RawResponse]) -> list[Record]:
    records: dict[str, Record] = {}
    for raw in raws:
        if not urlsplit(raw.url).path.endswith("/Search"):
            continue
        query = parse_qs(urlsplit(raw.url).query).get("q", [""])[0]
        for row in register.search_rows(raw):
            if row.get("Type of business or Individual") != UNAUTHORISED:
                continue
            record = warning_record(row, query, raw)
            records.setdefault(record.record_id, record)
    return list(records.values())


def warning_record(row: dict[str, str], query: str, raw: RawResponse) -> Record:
    published = row["Name"].strip()
    name, postcode = register.split_postcode(published)
    if postcode is not None and postcode.lower() in _NO_POSTCODE:
        postcode = None
    status = row.get("Status") or "Unauthorised"
    clone = _CLONE_NOTE.search(name)
    if clone:
        name, status = name[: clone.start()].strip(), f"{status} ({clone.group(1)})"
    # "Bitcoin Revolution / Bitcoin Trader": one warning naming two brands.
    parts = [part.strip() for part in name.split(" / ")]
    names = [RecordName(name=part, kind=NameKind.brand) for part in parts if len(parts) > 1 and part]
    return Record(
        source_id=SOURCE.id,
        # The row has no reference number: its published text (name and postcode) is its only key.
        record_id=published,
        name=name,
        names=names,
        status=status,
        # A search only speaks for the names it matched, so each query is its own class of rows.
        segment=f"search: {query}",
        fields={"postcode": postcode, "query": query, "type": row.get("Type of business or Individual")},
        source_url=raw.url,
        retrieved_at=raw.retrieved_at,
        note="An 'Unauthorised firm' row in the FCA Register search, i.e. a firm on the FCA Warning List; "
        "the warning itself is published at https://www.fca.org.uk/consumers/warning-list.",
    )


def bundled(shared: Path) -> list[BundledRun]:
    raws = [
        raw for raw in register.recorded_responses(shared)
        if urlsplit(raw.url).path.endswith("/Search") and register.is_firm_or_search(raw)
    ]
    if not raws:
        return []
    return [BundledRun(raws=raws, records=parse_run(raws), retrieved_at=max(r.retrieved_at for r in raws))]
