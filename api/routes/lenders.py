"""Lookups: `GET /lenders` (by name, domain or URL) and `GET /lenders/{id}`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import Session

from api.caching import cache_headers, etag_for, not_modified
from api.deps import IndexDep, SessionDep, SettingsDep
from api.errors import ERRORS, NotFound
from api.language import language
from api.queries import check_query
from lendercheck.answers import Evidence, LookupAnswer
from lendercheck.live_index import LiveIndex
from lendercheck.models import ChangeEvent, Lender, LenderDomain, LenderName
from lendercheck.store import data_version, domains_of, events_of, list_sources, names_of, records_of
from lendercheck.verdict import evidence_of, lookup

router = APIRouter(prefix="/lenders", tags=["lenders"])

NameQuery = Annotated[
    str | None,
    Query(description="A lender's legal name, short name, brand or app name",
          examples=["招联消费金融股份有限公司"]),
]
DomainQuery = Annotated[str | None, Query(description="A web domain or host", examples=["adakami.id"])]
UrlQuery = Annotated[str | None, Query(description="A full URL, e.g. the page a browser is on",
                                       examples=["https://www.adakami.id/"])]
JurisdictionQuery = Annotated[
    str | None, Query(description="ISO 3166-1 alpha-2 country code to search in", examples=["CN"])
]
LimitQuery = Annotated[int, Query(description="How many matches to return (1–50)")]
AcceptLanguage = Annotated[str | None, Header(description="zh for a Chinese summary, else English")]

LOOKUP_EXAMPLE = {
    "verdict": "licensed",
    "summary": "招联消费金融股份有限公司 is listed by 国家金融监督管理总局 (NFRA) in “银行业金融机构法人名单” "
    "(消费金融公司 X0007H244030001), retrieved 2026-10-02.",
}


@router.get(
    "",
    response_model=LookupAnswer,
    responses={**ERRORS, 200: {"content": {"application/json": {"example": LOOKUP_EXAMPLE}}},
               304: {"description": "Not modified (If-None-Match)"}},
)
def lookup_lender(
    request: Request,
    index: IndexDep,
    settings: SettingsDep,
    name: NameQuery = None,
    domain: DomainQuery = None,
    url: UrlQuery = None,
    jurisdiction: JurisdictionQuery = None,
    limit: LimitQuery = 10,
    accept_language: AcceptLanguage = None,
) -> LookupAnswer | Response:
    """Is this lender licensed? One verdict word (`licensed`, `formerly_licensed`, `warning`,
    `registered_only`, `not_found`) with the ranked matches, the evidence records and the sources checked.
    `not_found` means nothing matched in the sources checked, never that a lender is safe."""
    query = check_query(name, domain, url, jurisdiction, limit)
    lang = language(accept_language)
    live: LiveIndex = request.app.state.live
    version = live.version or ""
    etag = etag_for(version, request, lang)
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    key = (version, lang, repr(query))
    body = live.answers.get(key)
    if body is None:
        # The session opens only on a miss: a cached answer needs no database.
        with Session(request.app.state.engine) as session:
            answer = lookup(
                index, session, name=query.name, domain=query.domain, url=query.url,
                jurisdiction=query.jurisdiction, limit=query.limit, lang=lang, min_score=settings.min_score,
                threshold=settings.match_threshold, sources_cache=live.sources, version=version,
            )
        body = answer.model_dump_json().encode()
        live.answers.put(key, body)
    cached = Response(body, media_type="application/json")
    cache_headers(cached, etag, settings.cache_max_age)
    return cached


class LenderDetail(BaseModel):
    lender: Lender
    names: list[LenderName]
    domains: list[LenderDomain]
    records: list[Evidence]
    events: list[ChangeEvent]


@router.get("/{lender_id}", response_model=LenderDetail, responses=ERRORS)
def get_lender(lender_id: str, session: SessionDep, request: Request, response: Response,
               settings: SettingsDep) -> LenderDetail | Response:
    """One lender with all its names, domains, records and change events."""
    lender = session.get(Lender, lender_id)
    if lender is None:
        raise NotFound(f"no lender with id {lender_id!r}")
    etag = etag_for(data_version(session), request)
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    sources = {s.id: s for s in list_sources(session)}
    records = records_of(session, [lender_id])[lender_id]
    cache_headers(response, etag, settings.cache_max_age)
    return LenderDetail(
        lender=lender,
        names=list(names_of(session, lender_id)),
        domains=list(domains_of(session, lender_id)),
        records=[evidence_of(r, sources) for r in records],
        events=list(events_of(session, lender_id)),
    )
