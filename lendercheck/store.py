"""The store: engine, schema, data version and the read queries the API and the index need."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import and_, event, func, or_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import defer
from sqlmodel import Session, SQLModel, col, create_engine, delete, select

from lendercheck.matcher import IndexEntry
from lendercheck.models import (
    ChangeEvent,
    Lender,
    LenderDomain,
    LenderName,
    Meta,
    RecordRow,
    SourceRow,
)
from lendercheck.records import Source
from lendercheck.settings import Settings

DATA_VERSION = "data_version"
_Row = TypeVar("_Row", bound=SQLModel)


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def make_engine(settings: Settings) -> Engine:
    url = settings.store_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL lets API workers read while a scrape writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_schema(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(Meta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def data_version(session: Session) -> str:
    return get_meta(session, DATA_VERSION) or "empty"


def bump_data_version(session: Session, reason: str) -> str:
    seed = f"{data_version(session)}|{reason}|{utcnow().isoformat()}"
    version = hashlib.sha256(seed.encode()).hexdigest()[:16]
    set_meta(session, DATA_VERSION, version)
    return version


def upsert_source(session: Session, source: Source) -> SourceRow:
    row = session.get(SourceRow, source.id)
    meta = source.model_dump(include={"name", "regulator", "jurisdiction", "url", "covers", "on_demand", "description"})
    if row is None:
        row = SourceRow(id=source.id, kind=source.kind.value, **meta)
    else:
        for key, value in meta.items():
            setattr(row, key, value)
        row.kind = source.kind.value
    session.add(row)
    return row


def list_sources(session: Session) -> Sequence[SourceRow]:
    return session.exec(select(SourceRow).order_by(col(SourceRow.jurisdiction), col(SourceRow.id))).all()


def has_records(session: Session) -> bool:
    return session.exec(select(RecordRow.id).limit(1)).first() is not None


def index_entries(session: Session) -> Iterator[IndexEntry]:
    """Every name and domain the matcher should know, with its lender's jurisdiction."""
    jurisdiction = dict(session.exec(select(Lender.id, Lender.jurisdiction)).all())
    for lender_id, name, kind in session.exec(select(LenderName.lender_id, LenderName.name, LenderName.kind)):
        yield IndexEntry(lender_id, name, kind, jurisdiction.get(lender_id, ""))
    for lender_id, domain, kind in session.exec(
        select(LenderDomain.lender_id, LenderDomain.domain, LenderDomain.kind)
    ):
        yield IndexEntry(lender_id, domain, kind, jurisdiction.get(lender_id, ""))


def records_of(
    session: Session, lender_ids: Iterable[str], with_fields: bool = False
) -> dict[str, list[RecordRow]]:
    ids = list(dict.fromkeys(lender_ids))
    found: dict[str, list[RecordRow]] = {lender_id: [] for lender_id in ids}
    if not ids:
        return found
    # The raw fields are the bulk of a row and no answer shows them; they load if something asks.
    query = select(RecordRow).where(col(RecordRow.lender_id).in_(ids)).order_by(col(RecordRow.source_id))
    if not with_fields:
        query = query.options(defer(RecordRow.fields))  # type: ignore[arg-type]
    rows = session.exec(query).all()
    for row in rows:
        found[row.lender_id].append(row)
    return found


def lenders_by_id(session: Session, lender_ids: Iterable[str]) -> dict[str, Lender]:
    ids = list(set(lender_ids))
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(Lender).where(col(Lender.id).in_(ids))).all()}


def names_of(session: Session, lender_id: str) -> Sequence[LenderName]:
    return session.exec(select(LenderName).where(LenderName.lender_id == lender_id).order_by(col(LenderName.id))).all()


def domains_of(session: Session, lender_id: str) -> Sequence[LenderDomain]:
    return domains_of_lenders(session, [lender_id])[lender_id]


def events_of(session: Session, lender_id: str) -> Sequence[ChangeEvent]:
    return session.exec(
        select(ChangeEvent)
        .where(ChangeEvent.lender_id == lender_id)
        .order_by(col(ChangeEvent.at), col(ChangeEvent.as_of), col(ChangeEvent.id))
    ).all()


def clear_all(session: Session) -> None:
    for table in (ChangeEvent, LenderDomain, LenderName, Lender, RecordRow, SourceRow, Meta):
        session.exec(delete(table))  # type: ignore[call-overload]


def iter_batches(session: Session, model: type[_Row], size: int = 500) -> Iterator[list[_Row]]:
    """Every row of a table in primary-key order, `size` at a time (keyset paging), so an export never
    holds the whole table in memory."""
    key = col(model.id)  # type: ignore[attr-defined]
    last: object = None
    while True:
        query = select(model).order_by(key).limit(size)
        if last is not None:
            query = query.where(key > last)
        rows = list(session.exec(query).all())
        if not rows:
            return
        yield rows
        last = rows[-1].id  # type: ignore[attr-defined]
        session.expunge_all()


def lender_domains(session: Session) -> Sequence[LenderDomain]:
    """Every known domain and app id with the lender it belongs to, by domain."""
    return session.exec(select(LenderDomain).order_by(col(LenderDomain.domain), col(LenderDomain.lender_id))).all()


def _event_filters(
    since: datetime | None, until: datetime | None, sources: Sequence[str], kinds: Sequence[str]
) -> list[Any]:
    where: list[Any] = []
    if since is not None:
        where.append(col(ChangeEvent.at) >= since)
    if until is not None:
        where.append(col(ChangeEvent.at) < until)
    if sources:
        where.append(col(ChangeEvent.source_id).in_(sources))
    if kinds:
        where.append(col(ChangeEvent.kind).in_(kinds))
    return where


def change_events(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    sources: Sequence[str] = (),
    kinds: Sequence[str] = (),
    after: tuple[datetime, int] | None = None,
    offset: int = 0,
    limit: int = 100,
) -> Sequence[ChangeEvent]:
    """Change events in the order they were recorded (then by row id), filtered. `after` is the (time, id)
    of the last event a caller has seen: keyset paging that stays put while new events are added."""
    query = select(ChangeEvent).where(*_event_filters(since, until, sources, kinds))
    if after is not None:
        at, event_id = after
        query = query.where(
            or_(col(ChangeEvent.at) > at, and_(col(ChangeEvent.at) == at, col(ChangeEvent.id) > event_id))
        )
    query = query.order_by(col(ChangeEvent.at), col(ChangeEvent.id)).offset(offset).limit(limit)
    return session.exec(query).all()


def count_change_events(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    sources: Sequence[str] = (),
    kinds: Sequence[str] = (),
) -> int:
    query = select(func.count()).select_from(ChangeEvent).where(*_event_filters(since, until, sources, kinds))
    return int(session.exec(query).one())


def domains_of_lenders(session: Session, lender_ids: Iterable[str]) -> dict[str, list[LenderDomain]]:
    ids = list(dict.fromkeys(lender_ids))
    found: dict[str, list[LenderDomain]] = {lender_id: [] for lender_id in ids}
    if not ids:
        return found
    rows = session.exec(
        select(LenderDomain).where(col(LenderDomain.lender_id).in_(ids)).order_by(col(LenderDomain.id))
    ).all()
    for row in rows:
        found[row.lender_id].append(row)
    return found
