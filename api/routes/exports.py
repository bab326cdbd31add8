"""Whole-store exports: `lenders.csv` and `records.jsonl` streamed for journalists, `domains.json` for
browser extensions that check the page's domain locally."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.caching import cache_headers, etag_for, not_modified
from api.deps import SessionDep, SettingsDep
from api.routes.batch import BOM
from lendercheck.answers import Verdict
from lendercheck.models import Lender, LenderDomain, RecordRow, SourceRow
from lendercheck.store import (
    as_utc,
    data_version,
    domains_of_lenders,
    iter_batches,
    lender_domains,
    list_sources,
    records_of,
    session_scope,
    utcnow,
)
from lendercheck.verdict import LICENSING_KINDS, lender_verdict

router = APIRouter(prefix="/exports", tags=["exports"])

LENDER_COLUMNS = [
    "lender_id", "name", "jurisdiction", "verdict", "registration", "regulator", "source_id", "licence_type",
    "licence_number", "status", "listed", "source_url", "retrieved_at", "sources", "domains", "app_ids",
]
# When several lenders share a domain (an app run for several NBFCs, a clone of a real firm), the domain
# gets the most cautious word, as a lookup would: a warning matching as well as a licence wins.
VERDICT_ORDER = [Verdict.warning, Verdict.licensed, Verdict.formerly_licensed, Verdict.registered_only,
                 Verdict.not_found]
_NO_304: dict[int | str, dict[str, Any]] = {304: {"description": "Not modified (If-None-Match)"}}


def main_record(records: Sequence[RecordRow], verdict: Verdict) -> RecordRow | None:
    """The record a reader should see first for this verdict: one that supports it, listed ones first."""
    if verdict == Verdict.warning:
        supporting = [r for r in records if r.kind == "warning"]
    elif verdict in (Verdict.licensed, Verdict.formerly_licensed):
        supporting = [r for r in records if r.kind in LICENSING_KINDS and r.lending]
    else:
        supporting = list(records)
    ordered = sorted(supporting, key=lambda r: (not (r.removed_at is None and r.active), r.source_id, r.record_id))
    return ordered[0] if ordered else None


def lender_row(lender: Lender, records: Sequence[RecordRow], domains: Sequence[LenderDomain],
               sources: dict[str, SourceRow]) -> dict[str, str]:
    verdict = lender_verdict(records)
    row = dict.fromkeys(LENDER_COLUMNS, "")
    row.update(lender_id=lender.id, name=lender.name, jurisdiction=lender.jurisdiction, verdict=verdict.value,
               registration=lender.registration or "",
               sources="; ".join(sorted({r.source_id for r in records})),
               domains="; ".join(d.domain for d in domains if d.kind == "domain"),
               app_ids="; ".join(d.domain for d in domains if d.kind == "app_id"))
    first = main_record(records, verdict)
    if first is not None:
        source = sources.get(first.source_id)
        retrieved = as_utc(first.retrieved_at)
        row.update(regulator=source.regulator if source else "", source_id=first.source_id,
                   licence_type=first.licence_type or "", licence_number=first.licence_number or first.record_id,
                   status=first.status, listed="yes" if first.removed_at is None else "no",
                   source_url=first.source_url, retrieved_at=retrieved.isoformat() if retrieved else "")
    return row


def lenders_csv(engine: Engine) -> Iterator[str]:
    """The CSV, a few hundred lenders at a time."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=LENDER_COLUMNS, lineterminator="\r\n")
    out.write(BOM)
    writer.writeheader()
    with session_scope(engine) as session:
        sources = {s.id: s for s in list_sources(session)}
        for lenders in iter_batches(session, Lender):
            ids = [lender.id for lender in lenders]
            records, domains = records_of(session, ids), domains_of_lenders(session, ids)
            for lender in lenders:
                writer.writerow(lender_row(lender, records[lender.id], domains[lender.id], sources))
            yield out.getvalue()
            out.seek(0)
            out.truncate()


def record_json(record: RecordRow) -> dict[str, Any]:
    """A record as in the snapshot's records.jsonl, with times in UTC."""
    # The JSON columns hold richer values than their annotations say (a name's `derived` flag is a bool),
    # which pydantic would warn about on every row; the values themselves serialize as they are.
    data = record.model_dump(mode="json", exclude={"id"}, warnings=False)
    for key, value in record:
        if isinstance(value, datetime):
            data[key] = as_utc(value).isoformat()  # type: ignore[union-attr]
    return data


def records_jsonl(engine: Engine) -> Iterator[str]:
    with session_scope(engine) as session:
        for records in iter_batches(session, RecordRow):
            yield "".join(json.dumps(record_json(r), ensure_ascii=False, sort_keys=True) + "\n" for r in records)


def _stream(request: Request, session: Session, max_age: int, body: Iterator[str], media_type: str,
            filename: str) -> Response:
    etag = etag_for(data_version(session), request)
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    response = StreamingResponse(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Data-Version": data_version(session),
        "X-Generated-At": utcnow().isoformat(),
    })
    cache_headers(response, etag, max_age)
    return response


@router.get("/lenders.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}, **_NO_304})
def export_lenders(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Every lender with its verdict and the record behind it (regulator, licence number, status, source URL,
    retrieval time), its sources, domains and app ids: CSV in UTF-8 with a BOM, streamed. `X-Data-Version`
    and `X-Generated-At` say which data it is and when the file was made."""
    return _stream(request, session, settings.cache_max_age, lenders_csv(request.app.state.engine),
                   "text/csv; charset=utf-8", "lendercheck-lenders.csv")


@router.get("/records.jsonl", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}, **_NO_304})
def export_records(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Every record as its source published it, one JSON object per line (the snapshot's shape), streamed,
    including records no longer listed (`removed_at`, `removed_as_of`)."""
    return _stream(request, session, settings.cache_max_age, records_jsonl(request.app.state.engine),
                   "application/x-ndjson; charset=utf-8", "lendercheck-records.jsonl")


class DomainLender(BaseModel):
    id: str = Field(description="The lender's id, for `GET /lenders/{id}`")
    verdict: Verdict = Field(description="What this lender's own records say")


class KnownDomain(BaseModel):
    domain: str = Field(description="A registrable domain, or an Android app package id",
                        examples=["adakami.id"])
    kind: str = Field(description="domain or app_id", examples=["domain"])
    verdict: Verdict = Field(description="The most cautious verdict of the lenders below")
    lenders: list[DomainLender]


class KnownDomains(BaseModel):
    data: list[KnownDomain]
    count: int
    data_version: str
    generated_at: datetime


def known_domains(session: Session) -> list[KnownDomain]:
    rows = lender_domains(session)
    records = records_of(session, (row.lender_id for row in rows))
    verdicts = {lender_id: lender_verdict(found) for lender_id, found in records.items()}
    grouped: dict[tuple[str, str], list[DomainLender]] = {}
    for row in rows:
        lenders = grouped.setdefault((row.domain, row.kind), [])
        if all(lender.id != row.lender_id for lender in lenders):
            lenders.append(DomainLender(id=row.lender_id, verdict=verdicts[row.lender_id]))
    return [
        KnownDomain(domain=domain, kind=kind, lenders=lenders,
                    verdict=min((x.verdict for x in lenders), key=VERDICT_ORDER.index))
        for (domain, kind), lenders in grouped.items()
    ]


@router.get("/domains.json", response_model=KnownDomains, responses=_NO_304)
def export_domains(request: Request, session: SessionDep, settings: SettingsDep) -> KnownDomains | Response:
    """Every domain and app package id we know, with its lenders' verdicts and ids, so a browser extension
    can check the pages a person visits locally and ask the API only for details. Send the `ETag` back as
    `If-None-Match` to get a 304 when nothing changed."""
    version = data_version(session)
    etag = etag_for(version, request)
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    # Every extension asks for this file; it is made once per worker and data version (a few seconds).
    key = ("domains.json", version)
    body = request.app.state.live.answers.get(key)
    if body is None:
        domains = known_domains(session)
        body = KnownDomains(data=domains, count=len(domains), data_version=version,
                            generated_at=utcnow()).model_dump_json().encode()
        request.app.state.live.answers.put(key, body)
    made = Response(body, media_type="application/json", headers={"X-Data-Version": version})
    cache_headers(made, etag, settings.cache_max_age)
    return made
