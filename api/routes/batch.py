"""`POST /lenders/batch`: many lookups in one request, each answered as `GET /lenders` would, as JSON or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.deps import IndexDep, SessionDep, SettingsDep
from api.errors import ERRORS, BadQuery, ErrorResponse
from api.language import language
from api.queries import check_query
from lendercheck.answers import LookupAnswer
from lendercheck.matcher import MatchIndex
from lendercheck.settings import Settings
from lendercheck.store import data_version
from lendercheck.verdict import lookup

router = APIRouter(prefix="/lenders", tags=["lenders"])

MAX_QUERIES = 1000
CSV_COLUMNS = [
    "id", "query", "verdict", "best_match", "lender_id", "score", "method", "regulator", "licence_number",
    "status", "source_url", "retrieved_at", "error",
]
# Excel and WPS only read a CSV file as UTF-8 (and so show Chinese names) when it starts with a BOM.
BOM = "\ufeff"


class BatchQuery(BaseModel):
    """One lookup: exactly one of name, domain or url, as for `GET /lenders`."""

    id: str | int | None = Field(None, description="Your own id for the row, returned with its answer",
                                 examples=["row-17"])
    name: str | None = Field(None, examples=["招联消费金融股份有限公司"])
    domain: str | None = Field(None, examples=["adakami.id"])
    url: str | None = Field(None, examples=["https://www.adakami.id/"])
    jurisdiction: str | None = Field(None, examples=["CN"])
    limit: int = Field(10, description="How many matches to return (1–50)")

    @property
    def text(self) -> str:
        return self.name or self.domain or self.url or ""


class BatchRequest(BaseModel):
    queries: list[BatchQuery] = Field(description=f"1 to {MAX_QUERIES} lookups, answered in this order")


class BatchItem(BaseModel):
    """The answer to one query, or the error `GET /lenders` would have given for it."""

    id: str | int | None = Field(description="The id sent with the query, if any")
    index: int = Field(description="The query's position in the request, from 0")
    answer: LookupAnswer | None
    error: ErrorResponse | None = None


class BatchAnswer(BaseModel):
    data: list[BatchItem]
    count: int
    data_version: str


def answer_queries(
    index: MatchIndex, session: Session, queries: Sequence[BatchQuery], *, lang: str, settings: Settings
) -> list[BatchItem]:
    """Each query checked and looked up on its own, so one bad row does not fail the others."""
    items = []
    for position, query in enumerate(queries):
        try:
            checked = check_query(query.name, query.domain, query.url, query.jurisdiction, query.limit)
        except BadQuery as error:
            items.append(BatchItem(id=query.id, index=position, answer=None,
                                   error=ErrorResponse(detail=error.detail)))
            continue
        answer = lookup(
            index, session, name=checked.name, domain=checked.domain, url=checked.url,
            jurisdiction=checked.jurisdiction, limit=checked.limit, lang=lang,
            min_score=settings.min_score, threshold=settings.match_threshold,
        )
        items.append(BatchItem(id=query.id, index=position, answer=answer))
    return items


def csv_row(query: BatchQuery, item: BatchItem) -> dict[str, str]:
    """One spreadsheet row: the verdict, the best match and the first record behind the verdict."""
    row = dict.fromkeys(CSV_COLUMNS, "")
    row["id"] = "" if item.id is None else str(item.id)
    row["query"] = query.text
    if item.error is not None:
        row["error"] = item.error.detail
        return row
    answer = item.answer
    assert answer is not None
    row["verdict"] = answer.verdict.value
    if answer.best is not None:
        row.update(best_match=answer.best.lender_name, lender_id=answer.best.lender_id,
                   score=f"{answer.best.score:.3f}", method=answer.best.how)
    if answer.evidence:
        first = answer.evidence[0]
        row.update(regulator=first.regulator, licence_number=first.licence_number or first.record_id,
                   status=first.status, source_url=first.source_url,
                   retrieved_at=first.retrieved_at.isoformat() if first.retrieved_at else "")
    return row


def csv_text(rows: Iterable[dict[str, str]], columns: Sequence[str] = CSV_COLUMNS) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


FormatQuery = Annotated[
    Literal["json", "csv"] | None,
    Query(alias="format", description="csv for a spreadsheet (same as `Accept: text/csv`); json by default"),
]


@router.post(
    "/batch",
    response_model=BatchAnswer,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}, "description": "JSON, or CSV on request"}},
)
def lookup_batch(
    batch: BatchRequest,
    index: IndexDep,
    session: SessionDep,
    settings: SettingsDep,
    output: FormatQuery = None,
    accept: Annotated[str | None, Header(description="text/csv for a spreadsheet")] = None,
    accept_language: Annotated[str | None, Header(description="zh for Chinese summaries")] = None,
) -> BatchAnswer | Response:
    """Up to 1,000 lookups, answered in order, each exactly as `GET /lenders` would answer it. A query that
    `GET /lenders` would refuse gets an `error` with the same message instead of an answer; the others are
    still answered. Ask for CSV (`Accept: text/csv` or `?format=csv`) to get one row per query with the
    verdict, best match, score, method, regulator, licence number, status, source URL and retrieval time,
    in UTF-8 with a BOM so spreadsheet programs read Chinese names."""
    count = len(batch.queries)
    if not 1 <= count <= MAX_QUERIES:
        raise BadQuery(f"queries: give 1 to {MAX_QUERIES} queries per batch (got {count}); split longer lists")
    items = answer_queries(index, session, batch.queries, lang=language(accept_language), settings=settings)
    as_csv = output == "csv" or (output is None and "text/csv" in (accept or ""))
    if as_csv:
        body = csv_text(csv_row(q, item) for q, item in zip(batch.queries, items, strict=True))
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="lendercheck-batch.csv"'})
    return BatchAnswer(data=items, count=len(items), data_version=data_version(session))
