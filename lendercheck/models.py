"""The store's tables (SQLModel). Response shapes live in `api/schemas.py`, not here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index
from sqlmodel import Field, SQLModel


def _json(default: Any = None) -> Any:
    return Field(default_factory=lambda: (default() if callable(default) else default), sa_column=Column(JSON))


def _ts(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class SourceRow(SQLModel, table=True):
    __tablename__ = "sources"

    id: str = Field(primary_key=True)
    name: str
    regulator: str
    jurisdiction: str = Field(index=True)
    kind: str
    url: str
    covers: list[str] = _json(list)
    on_demand: bool = False
    description: str = ""
    last_attempt: datetime | None = _ts()
    last_success: datetime | None = _ts()
    retrieved_at: datetime | None = _ts()
    record_count: int = 0
    state: str = "never_run"  # never_run | ok | rejected | failed | skipped
    state_reason: str = ""


class ScrapeRun(SQLModel, table=True):
    __tablename__ = "scrape_runs"

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(index=True)
    started_at: datetime | None = _ts()
    finished_at: datetime | None = _ts()
    state: str = "running"  # running | accepted | rejected | failed
    reason: str = ""
    fetched: int = 0
    parsed: int = 0
    added: int = 0
    removed: int = 0
    changed: int = 0


class RawResponseRow(SQLModel, table=True):
    __tablename__ = "raw_responses"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(index=True)
    url: str
    status: int
    sha256: str
    size: int
    content_type: str = ""
    label: str = ""
    retrieved_at: datetime | None = _ts()
    path: str


class RecordRow(SQLModel, table=True):
    __tablename__ = "records"
    __table_args__ = (Index("ix_records_source_record", "source_id", "record_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(index=True)
    record_id: str
    lender_id: str = Field(index=True)
    kind: str  # the source's kind, copied for fast verdicts
    name: str
    names: list[dict[str, Any]] = _json(list)
    domains: list[str] = _json(list)
    app_ids: list[str] = _json(list)
    registration: str | None = Field(default=None, index=True)
    links_to: str | None = None
    licence_type: str | None = None
    licence_number: str | None = None
    lending: bool = True
    status: str
    active: bool = True
    segment: str | None = None
    as_of: date | None = None
    dates: dict[str, str] = _json(dict)
    fields: dict[str, Any] = _json(dict)
    source_url: str
    retrieved_at: datetime | None = _ts()
    note: str = ""
    # History kept by the store: when we first and last saw the row, and when it left the list.
    first_seen: datetime | None = _ts()
    last_seen: datetime | None = _ts()
    last_listed_as_of: date | None = None
    removed_at: datetime | None = _ts()
    removed_as_of: date | None = None


class Lender(SQLModel, table=True):
    __tablename__ = "lenders"

    id: str = Field(primary_key=True)
    jurisdiction: str = Field(index=True)
    name: str
    # The normalized legal name and link group used to find this lender again (see history.py).
    name_key: str = Field(index=True)
    group: str = "entity"  # entity | warning
    registration: str | None = Field(default=None, index=True)


class LenderName(SQLModel, table=True):
    __tablename__ = "lender_names"

    id: int | None = Field(default=None, primary_key=True)
    lender_id: str = Field(index=True)
    name: str
    kind: str
    source_id: str
    record_id: str


class LenderDomain(SQLModel, table=True):
    __tablename__ = "lender_domains"

    id: int | None = Field(default=None, primary_key=True)
    lender_id: str = Field(index=True)
    domain: str = Field(index=True)
    kind: str = "domain"  # domain | app_id
    source_id: str
    record_id: str


class ChangeEvent(SQLModel, table=True):
    __tablename__ = "change_events"

    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(index=True)
    record_id: str
    lender_id: str = Field(index=True)
    run_id: int | None = None
    kind: str = Field(index=True)  # added | removed | status_changed
    at: datetime | None = _ts()
    as_of: date | None = None
    before: str | None = None
    after: str | None = None
    name: str = ""


class Meta(SQLModel, table=True):
    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str
