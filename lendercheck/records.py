"""The shared contract between scrapers, the store and the API: sources, raw responses, records.

Every scraper module turns `RawResponse`s into `Record`s; everything downstream reads only these.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SourceKind(StrEnum):
    licence = "licence"  # a regulator's list of licensed firms
    warning = "warning"  # a regulator's warning / blacklist
    registry = "registry"  # a business registry: a company exists, no licence implied
    alias = "alias"  # brand / app names tied to a licensed entity listed elsewhere


class NameKind(StrEnum):
    legal = "legal"
    former = "former"
    short = "short"
    english = "english"
    brand = "brand"
    app = "app"
    trading = "trading"


class Source(BaseModel):
    """A published list and what a run of it must satisfy to be accepted."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(examples=["cn-nfra-legal-entities"])
    name: str
    regulator: str
    jurisdiction: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    kind: SourceKind
    url: str = Field(description="Home page of the list, for people")
    covers: list[str] = Field(default_factory=list, description="Lender types this source covers")
    min_records: int = Field(1, description="A run with fewer records is rejected")
    min_share_of_previous: float = Field(
        0.7, description="A run whose count falls below this share of the previous count is rejected"
    )
    on_demand: bool = Field(False, description="Queried per name, not crawled as a list")
    description: str = ""


class RawResponse(BaseModel):
    """One HTTP answer as received, kept as evidence."""

    url: str
    status: int
    content: bytes
    content_type: str = ""
    retrieved_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    label: str = Field("", description="What this response is, e.g. 'list' or 'firm 552016'")

    def text(self, default_encoding: str = "utf-8") -> str:
        charset = _charset(self.content_type) or default_encoding
        return self.content.decode(charset, errors="replace")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return None


class RecordName(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    kind: NameKind
    derived: bool = Field(
        False, description="Cut from a published name (an app title without its tagline), not published as such"
    )


class Record(BaseModel):
    """One row as its source publishes it, with provenance."""

    source_id: str
    record_id: str = Field(description="The source's own id for the row: licence number, FRN, code …")
    name: str = Field(description="The legal (or listed) name as published")
    names: list[RecordName] = Field(default_factory=list, description="Other names the row gives")
    domains: list[str] = Field(default_factory=list, description="Web addresses as published")
    app_ids: list[str] = Field(default_factory=list, description="App store package ids")
    registration: str | None = Field(
        None, description="Scheme-qualified registration number used to link records, e.g. 'CN-NFRA:X0007H…'"
    )
    links_to: str | None = Field(
        None, description="For alias rows: the legal name of the entity this brand or app belongs to"
    )
    licence_type: str | None = None
    licence_number: str | None = None
    lending: bool = Field(
        True, description="Whether the licence permits lending (an FCA authorisation may not)"
    )
    status: str = Field(description="Status as published")
    active: bool = Field(True, description="Whether the status counts as a live licence or a live warning")
    segment: str | None = Field(
        None, description="The class of lender the row belongs to; a run only removes rows of classes it covers"
    )
    as_of: date | None = Field(None, description="The date the list says it is correct at")
    dates: dict[str, str] = Field(default_factory=dict, description="Dates as published, by meaning")
    fields: dict[str, Any] = Field(default_factory=dict, description="The raw fields as published")
    source_url: str
    retrieved_at: datetime
    note: str = Field("", description="Honest provenance remarks, e.g. taken from a conversion of the PDF")

    @field_validator("name", "record_id", "source_url")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class ParseError(ValueError):
    """The response is not the list we expect: an error page, a changed layout, a throttle message."""
