"""`/reconcile`: the Reconciliation Service API (W3C Entity Reconciliation Community Group, version 0.2),
so OpenRefine users can match a column of names to lenders and pull in each lender's verdict.

- `GET /reconcile` with no query: the service manifest.
- `GET|POST /reconcile` with `queries` (a form field, a query parameter or a JSON body): candidates per query.
- `GET|POST /reconcile` with `extend`: property values (verdict, licence number, …) for reconciled ids.
- `GET /reconcile/preview?id=…`: an HTML card; `GET /reconcile/properties`: the properties `extend` offers.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from sqlmodel import Session

from api.deps import IndexDep, SessionDep, SettingsDep
from api.errors import ERRORS, BadQuery, NotFound
from api.queries import check_query
from api.routes.exports import main_record
from lendercheck import __version__
from lendercheck.answers import MatchOut
from lendercheck.matcher import MatchIndex
from lendercheck.models import Lender, RecordRow, SourceRow
from lendercheck.settings import Settings
from lendercheck.store import as_utc, lenders_by_id, list_sources, records_of
from lendercheck.verdict import lender_verdict, lookup

router = APIRouter(prefix="/reconcile", tags=["reconcile"])

LENDER_TYPE = {"id": "lender", "name": "Lender"}
DEFAULT_LIMIT = 5
MAX_QUERIES = 1000
# JSONP callbacks are echoed into JavaScript, so only plain dotted identifiers are accepted.
CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$")
# Properties a query may use to narrow candidates, and what they mean.
QUERY_PROPERTIES = {
    "jurisdiction": "ISO 3166-1 alpha-2 country code, e.g. CN",
    "domain": "The lender's web domain or a URL of its site",
}
# Properties `extend` can add as columns, in this order.
EXTEND_PROPERTIES = {
    "verdict": "Verdict",
    "jurisdiction": "Jurisdiction",
    "regulator": "Regulator",
    "licence_type": "Licence type",
    "licence_number": "Licence number",
    "status": "Status as published",
    "listed": "Listed on the newest list",
    "source_url": "Source URL",
    "retrieved_at": "Retrieved at",
}


async def reconcile_params(request: Request) -> dict[str, str]:
    """`queries`, `extend` and `callback` from the query string, a form body or a JSON body.
    (Form bodies are parsed here, as OpenRefine sends them, so no multipart library is needed.)"""
    params = dict(request.query_params)
    body = await request.body()
    if body:
        content_type = request.headers.get("content-type", "")
        if "json" in content_type:
            try:
                data = json.loads(body)
            except ValueError:
                raise BadQuery("body: not valid JSON") from None
            if not isinstance(data, dict):
                raise BadQuery("body: expected a JSON object with `queries` or `extend`")
            params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()})
        else:
            params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
    return params


ReconcileParams = Annotated[dict[str, str], Depends(reconcile_params)]


def manifest(base: str) -> dict[str, Any]:
    return {
        "versions": ["0.2"],
        "name": "lendercheck: licensed lenders (regulators' own lists)",
        "identifierSpace": f"{base}lenders/",
        "schemaSpace": f"{base}reconcile/schema/",
        "documentation": f"{base}docs",
        "serviceVersion": __version__,
        "defaultTypes": [LENDER_TYPE],
        "view": {"url": f"{base}lenders/{{{{id}}}}"},
        "preview": {"url": f"{base}reconcile/preview?id={{{{id}}}}", "width": 420, "height": 220},
        "extend": {
            "propose_properties": {"service_url": base.rstrip("/"), "service_path": "/reconcile/properties"},
            "property_settings": [],
        },
    }


def _load(field: str, text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise BadQuery(f"{field}: not valid JSON") from None
    if not isinstance(value, dict):
        raise BadQuery(f"{field}: expected a JSON object")
    return value


def _property_values(query: dict[str, Any], key: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in query.get("properties") or []:
        if not isinstance(prop, dict) or "pid" not in prop:
            raise BadQuery(f"queries.{key}.properties: each needs a pid and a v")
        pid, value = str(prop["pid"]), prop.get("v")
        if pid not in QUERY_PROPERTIES:
            raise BadQuery(f"queries.{key}.properties: unknown property {pid!r}; known: {', '.join(QUERY_PROPERTIES)}")
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("id") or value.get("name")
        if value not in (None, ""):
            found[pid] = str(value)
    return found


def _wants_lenders(query: dict[str, Any]) -> bool:
    wanted = query.get("type")
    if wanted is None:
        return True
    types = wanted if isinstance(wanted, list) else [wanted]
    return any((t.get("id") if isinstance(t, dict) else t) == LENDER_TYPE["id"] for t in types)


def reconcile_one(index: MatchIndex, session: Session, settings: Settings, key: str,
                  query: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(query, dict):
        raise BadQuery(f"queries.{key}: expected an object with a query")
    values = _property_values(query, key)
    text = query.get("query")
    if text is not None and not isinstance(text, str):
        raise BadQuery(f"queries.{key}.query: expected a string")
    limit = query.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int | float) or not 1 <= int(limit) <= 50:
        raise BadQuery(f"queries.{key}.limit: must be between 1 and 50")
    if not _wants_lenders(query):
        return []
    asks = [("name", text)] if text and text.strip() else []
    if "domain" in values:
        asks.append(("domain", values["domain"]))
    if not asks:
        raise BadQuery(f"queries.{key}: give a query or a domain property")
    best: dict[str, MatchOut] = {}
    for by, value in asks:
        try:
            checked = check_query(value if by == "name" else None, value if by == "domain" else None, None,
                                  values.get("jurisdiction"), int(limit))
        except BadQuery as error:
            raise BadQuery(f"queries.{key}: {error.detail}") from None
        answer = lookup(index, session, name=checked.name, domain=checked.domain,
                        jurisdiction=checked.jurisdiction, limit=checked.limit,
                        min_score=settings.min_score, threshold=settings.match_threshold)
        for match in answer.matches:
            if match.lender_id not in best or match.score > best[match.lender_id].score:
                best[match.lender_id] = match
    ranked = sorted(best.values(), key=lambda m: -m.score)[: int(limit)]
    return [candidate(m, i == 0 and _certain(ranked)) for i, m in enumerate(ranked)]


def _certain(ranked: Sequence[MatchOut]) -> bool:
    """Auto-accept only an exact name or domain that no other lender matches as well: clones borrow real
    firms' names, and a tie is for a person to decide."""
    if not ranked or ranked[0].score < 1.0 or ranked[0].how not in ("exact_name", "domain"):
        return False
    return len(ranked) == 1 or ranked[1].score < ranked[0].score


def candidate(match: MatchOut, certain: bool) -> dict[str, Any]:
    return {
        "id": match.lender_id,
        "name": match.lender_name,
        "type": [LENDER_TYPE],
        "score": round(match.score * 100, 1),
        "match": certain,
        "description": f"{match.verdict.value} · {match.jurisdiction} · {match.how}: {match.matched_name}",
        "features": [{"id": "score", "value": match.score}, {"id": match.how, "value": True}],
    }


def lender_facts(lender: Lender, records: Sequence[RecordRow], sources: dict[str, SourceRow]) -> dict[str, str]:
    """The values `extend` and `preview` show: the verdict and the record behind it."""
    verdict = lender_verdict(records)
    facts = {"verdict": verdict.value, "jurisdiction": lender.jurisdiction}
    first = main_record(records, verdict)
    if first is not None:
        source = sources.get(first.source_id)
        retrieved = as_utc(first.retrieved_at)
        facts.update(
            regulator=source.regulator if source else "", source_name=source.name if source else first.source_id,
            licence_type=first.licence_type or "", licence_number=first.licence_number or first.record_id,
            status=first.status, listed="yes" if first.removed_at is None else "no", source_url=first.source_url,
            retrieved_at=retrieved.isoformat() if retrieved else "",
        )
    return facts


def extend(session: Session, request: dict[str, Any]) -> dict[str, Any]:
    ids = request.get("ids")
    props = request.get("properties")
    if not isinstance(ids, list) or not isinstance(props, list):
        raise BadQuery("extend: expected {\"ids\": [...], \"properties\": [{\"id\": ...}]}")
    wanted = [str(p.get("id")) if isinstance(p, dict) else str(p) for p in props]
    unknown = [p for p in wanted if p not in EXTEND_PROPERTIES]
    if unknown:
        raise BadQuery(f"extend: unknown property {unknown[0]!r}; known: {', '.join(EXTEND_PROPERTIES)}")
    ids = [str(i) for i in ids][:MAX_QUERIES]
    records = records_of(session, ids)
    lenders = lenders_by_id(session, ids)
    sources = {s.id: s for s in list_sources(session)}
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for lender_id in ids:
        lender = lenders.get(lender_id)
        facts = lender_facts(lender, records[lender_id], sources) if lender else {}
        rows[lender_id] = {p: [{"str": facts[p]}] if facts.get(p) else [] for p in wanted}
    return {"meta": [{"id": p, "name": EXTEND_PROPERTIES[p]} for p in wanted], "rows": rows}


def _reply(data: Any, callback: str | None) -> Response:
    if callback is None:
        return JSONResponse(data)
    if not CALLBACK.match(callback):
        raise BadQuery("callback: must be a JavaScript identifier")
    return Response(f"{callback}({json.dumps(data)});", media_type="application/javascript")


def _reconcile(params: dict[str, str], request: Request, index: MatchIndex, session: Session,
               settings: Settings) -> Response:
    callback = params.get("callback")
    if "extend" in params:
        return _reply(extend(session, _load("extend", params["extend"])), callback)
    if "queries" in params:
        queries = _load("queries", params["queries"])
        if len(queries) > MAX_QUERIES:
            raise BadQuery(f"queries: at most {MAX_QUERIES} per request (got {len(queries)})")
        results = {key: {"result": reconcile_one(index, session, settings, key, q)} for key, q in queries.items()}
        return _reply(results, callback)
    return _reply(manifest(str(request.base_url)), callback)


_RESPONSES: dict[int | str, dict[str, Any]] = {422: ERRORS[422], 503: ERRORS[503]}


@router.get("", responses=_RESPONSES)
def reconcile_get(params: ReconcileParams, request: Request, index: IndexDep, session: SessionDep,
                  settings: SettingsDep) -> Response:
    """With no parameters: the service manifest (add this URL in OpenRefine as a reconciliation service).
    With `queries` (JSON: `{"q0": {"query": "招联消费金融", "type": "lender", "limit": 3,
    "properties": [{"pid": "jurisdiction", "v": "CN"}]}}`): candidates per query, scored 0–100, `match` only
    for an exact name or domain no other lender matches as well. With `extend`: property values."""
    return _reconcile(params, request, index, session, settings)


@router.post("", responses=_RESPONSES)
def reconcile_post(params: ReconcileParams, request: Request, index: IndexDep, session: SessionDep,
                   settings: SettingsDep) -> Response:
    """The same as GET, with `queries` or `extend` in a form body (as OpenRefine sends them) or a JSON body."""
    return _reconcile(params, request, index, session, settings)


@router.get("/properties")
def propose_properties(type: Annotated[str, Query(description="The type to propose properties for")] = "lender",
                       ) -> dict[str, Any]:
    """The properties `extend` can add as columns for a lender."""
    properties = [{"id": k, "name": v} for k, v in EXTEND_PROPERTIES.items()] if type == LENDER_TYPE["id"] else []
    return {"type": type, "properties": properties}


PREVIEW = """<div style="font:14px/1.4 system-ui,sans-serif;padding:6px">
<strong>{name}</strong> <span style="color:#555">({jurisdiction})</span><br>
<b>{verdict}</b>{evidence}
</div>"""


@router.get("/preview", response_class=HTMLResponse, responses={404: ERRORS[404]})
def preview(id: Annotated[str, Query(description="A lender id")], session: SessionDep) -> HTMLResponse:
    """A small HTML card for a lender: its verdict and the record behind it, with a link to the source."""
    lender = session.get(Lender, id)
    if lender is None:
        raise NotFound(f"no lender with id {id!r}")
    facts = lender_facts(lender, records_of(session, [id])[id], {s.id: s for s in list_sources(session)})
    evidence = ""
    if facts.get("source_url", "").startswith(("https://", "http://")):
        evidence = (
            f"<br>{html.escape(facts['regulator'])}: {html.escape(facts['source_name'])}"
            f"<br>{html.escape(facts['licence_number'])} · {html.escape(facts['status'])}"
            f"<br><a href=\"{html.escape(facts['source_url'])}\" target=\"_blank\" rel=\"noopener\">source</a>"
            f" · retrieved {html.escape(facts['retrieved_at'][:10])}"
        )
    return HTMLResponse(PREVIEW.format(name=html.escape(lender.name), jurisdiction=html.escape(lender.jurisdiction),
                                       verdict=html.escape(facts["verdict"]), evidence=evidence))
