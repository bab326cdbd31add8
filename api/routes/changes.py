"""`GET /changes`: the change feed. Which records were added to, removed from, or changed status on a
regulator's list, and when, e.g. "which licences were removed this year"."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from api.caching import cache_headers, etag_for, not_modified
from api.deps import SessionDep, SettingsDep
from api.errors import ERRORS, BadQuery
from lendercheck.models import ChangeEvent, SourceRow
from lendercheck.store import as_utc, change_events, count_change_events, data_version, list_sources

router = APIRouter(prefix="/changes", tags=["changes"])

KINDS = ("added", "removed", "status_changed")
MAX_LIMIT = 1000

SinceQuery = Annotated[str | None, Query(
    description="Changes recorded on or after this day (YYYY-MM-DD) or time (ISO 8601, UTC if no offset)",
    examples=["2026-01-01"])]
UntilQuery = Annotated[str | None, Query(
    description="Changes recorded up to and including this day, or before this time", examples=["2026-12-31"])]
SourceQuery = Annotated[list[str] | None, Query(
    description="Source id(s), repeated or comma-separated; see `GET /sources`",
    examples=["cn-nfra-legal-entities"])]
KindQuery = Annotated[list[str] | None, Query(
    description="added, removed or status_changed; repeated or comma-separated", examples=["removed"])]


class Change(BaseModel):
    """One row appearing on, leaving, or changing status on a source's list."""

    id: int
    kind: Literal["added", "removed", "status_changed"]
    at: datetime | None = Field(description="When lendercheck recorded the change (the run that saw it)")
    as_of: date | None = Field(description="The date the list that showed the change says it is correct at")
    source_id: str = Field(examples=["cn-nfra-legal-entities"])
    source_name: str
    regulator: str
    jurisdiction: str
    record_id: str = Field(description="The source's own id for the row", examples=["B0281H265010001"])
    lender_id: str = Field(description="For `GET /lenders/{id}`")
    name: str
    before: str | None = Field(description="Status before (none when added)")
    after: str | None = Field(description="Status after (none when removed)")


class ChangePage(BaseModel):
    data: list[Change]
    count: int = Field(description="All changes matching the filters, across pages")
    next: str | None = Field(description="The URL of the next page; none on the last page")


def parse_when(field: str, text: str, *, end_of_day: bool = False) -> datetime:
    """A day or an ISO 8601 time, as UTC. A bare day as an upper bound covers the whole day."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time(), UTC)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(f"{field}: {text[:40]!r} is not a date (YYYY-MM-DD) or ISO 8601 time") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def split_values(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def encode_cursor(event: ChangeEvent) -> str:
    at = as_utc(event.at)
    raw = f"{at.isoformat() if at else ''}|{event.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, _, event_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition("|")
        return datetime.fromisoformat(at), int(event_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadQuery("cursor: not a cursor this API gave out; use the `next` URL of the previous page") from None


def change_out(event: ChangeEvent, sources: dict[str, SourceRow]) -> Change:
    source = sources.get(event.source_id)
    return Change(
        id=event.id or 0, kind=event.kind, at=as_utc(event.at), as_of=event.as_of,  # type: ignore[arg-type]
        source_id=event.source_id,
        source_name=source.name if source else event.source_id, regulator=source.regulator if source else "",
        jurisdiction=source.jurisdiction if source else "", record_id=event.record_id, lender_id=event.lender_id,
        name=event.name, before=event.before, after=event.after,
    )


@router.get("", response_model=ChangePage, responses={**ERRORS, 304: {"description": "Not modified"}})
def list_changes(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    since: SinceQuery = None,
    until: UntilQuery = None,
    source: SourceQuery = None,
    kind: KindQuery = None,
    limit: Annotated[int, Query(description=f"Changes per page (1–{MAX_LIMIT})")] = 100,
    cursor: Annotated[str | None, Query(description="From the `next` URL of the previous page")] = None,
    page: Annotated[int | None, Query(description="Page number from 1, instead of a cursor")] = None,
) -> ChangePage | Response:
    """Changes to the regulators' lists in the order they were recorded: `added`, `removed` and
    `status_changed`, each with the source, the record, the lender and the list's own date (`as_of`).
    E.g. `/changes?since=2026-01-01&kind=removed&source=cn-nfra-legal-entities`. A record no longer listed
    is not necessarily revoked: mergers also remove names. Follow `next` for the following page."""
    start = parse_when("since", since) if since else None
    end = parse_when("until", until, end_of_day=True) if until else None
    if start and end and start >= end:
        raise BadQuery("since: must be before until")
    sources = {s.id: s for s in list_sources(session)}
    chosen_sources = split_values(source)
    unknown = [s for s in chosen_sources if s not in sources]
    if unknown:
        raise BadQuery(f"source: unknown source {unknown[0]!r}; known: {', '.join(sorted(sources))}")
    kinds = split_values(kind)
    wrong = [k for k in kinds if k not in KINDS]
    if wrong:
        raise BadQuery(f"kind: {wrong[0]!r} is not one of {', '.join(KINDS)}")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery(f"limit: must be between 1 and {MAX_LIMIT} (got {limit})")
    if cursor is not None and page is not None:
        raise BadQuery("give cursor or page, not both")
    if page is not None and page < 1:
        raise BadQuery(f"page: must be 1 or more (got {page})")
    after = decode_cursor(cursor) if cursor is not None else None

    etag = etag_for(data_version(session), request)
    if not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    offset = (page - 1) * limit if page else 0
    # One more than asked, to know whether there is a next page.
    events = list(change_events(session, since=start, until=end, sources=chosen_sources, kinds=kinds,
                                after=after, offset=offset, limit=limit + 1))
    more = len(events) > limit
    events = events[:limit]
    total = count_change_events(session, since=start, until=end, sources=chosen_sources, kinds=kinds)
    next_url = None
    if more:
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "page")]
        params.append(("page", str(page + 1)) if page else ("cursor", encode_cursor(events[-1])))
        next_url = f"{request.url.path}?{urlencode(params)}"
    cache_headers(response, etag, settings.cache_max_age)
    return ChangePage(data=[change_out(e, sources) for e in events], count=total, next=next_url)
