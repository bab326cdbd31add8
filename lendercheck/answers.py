"""What a lookup answers: the verdict, the matches, the evidence, the sources checked (pydantic)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class Verdict(StrEnum):
    licensed = "licensed"
    formerly_licensed = "formerly_licensed"
    warning = "warning"
    registered_only = "registered_only"
    not_found = "not_found"


class Evidence(BaseModel):
    """One record of a source, as the regulator published it."""

    source_id: str = Field(examples=["cn-nfra-legal-entities"])
    source_name: str
    regulator: str = Field(examples=["国家金融监督管理总局 (NFRA)"])
    jurisdiction: str = Field(examples=["CN"])
    kind: str = Field(description="licence, warning, registry or alias", examples=["licence"])
    record_id: str = Field(description="The source's own id for the row", examples=["X0007H244030001"])
    name: str = Field(examples=["招联消费金融股份有限公司"])
    licence_type: str | None = Field(None, examples=["消费金融公司"])
    licence_number: str | None = Field(None, examples=["X0007H244030001"])
    lending: bool = Field(True, description="Whether the licence permits lending")
    status: str = Field(description="Status as published", examples=["listed"])
    listed: bool = Field(description="Whether the row is on the source's newest list")
    as_of: date | None = Field(None, description="The date the list says it is correct at")
    removed_as_of: date | None = Field(None, description="The date of the first list without this row")
    dates: dict[str, str] = Field(default_factory=dict)
    links_to: str | None = Field(None, description="For app/brand rows: the entity the app belongs to")
    source_url: str = Field(examples=["https://www.nfra.gov.cn/chinese/docfile/2025/86c58b1ad810422c8fa6c6d0107f1626.pdf"])
    retrieved_at: datetime | None
    note: str = ""


class MatchOut(BaseModel):
    lender_id: str
    lender_name: str
    jurisdiction: str
    score: float = Field(ge=0, le=1)
    how: str = Field(description="domain, exact_name, brand, pinyin or fuzzy", examples=["exact_name"])
    query_form: str = Field(description="The query as it was compared")
    candidate_form: str = Field(description="The name or domain as it was compared")
    matched_name: str = Field(description="The name or domain as published")
    matched_name_kind: str = Field(examples=["legal"])
    derived_name: bool = Field(False, description="The name matched was cut from a published one (e.g. an "
                               "app title without its tagline), so it is weaker evidence than a published name")
    verdict: Verdict = Field(description="What this lender's own records say")
    evidence: list[Evidence] = Field(description="Its records about this match, deciding ones first (at most 5)")
    evidence_total: int = Field(0, description="How many records are about this match; /lenders/{id} has all")


class QueryOut(BaseModel):
    text: str
    by: str = Field(description="name, domain or url")
    normalized: dict[str, str] = Field(description="The forms the matcher compared")
    jurisdiction: str | None = None


class SourceChecked(BaseModel):
    id: str = Field(examples=["cn-nfra-legal-entities"])
    name: str
    regulator: str
    jurisdiction: str
    kind: str = Field(examples=["licence"])
    url: str = Field(description="The list's home page")
    covers: list[str] = Field(description="Kinds of lenders the list covers")
    on_demand: bool = Field(description="Asked one name at a time rather than held as a list")
    retrieved_at: datetime | None = Field(description="When the data now served was retrieved")
    last_attempt: datetime | None
    last_success: datetime | None
    record_count: int = Field(description="Rows on the newest accepted list")
    state: str = Field(description="ok, rejected, failed, skipped or never_run")
    state_reason: str = ""


class Coverage(BaseModel):
    jurisdictions: list[str] = Field(description="Jurisdictions searched")
    covered: bool = Field(description="Whether any source covers the jurisdiction asked about")
    covers: list[str] = Field(description="Kinds of lenders the sources checked cover")
    not_covered: list[str] = Field(description="Kinds of lenders no loaded source covers")
    statement: str


class LookupAnswer(BaseModel):
    verdict: Verdict = Field(examples=["licensed"])
    summary: str = Field(description="One sentence, in Chinese or English by Accept-Language")
    query: QueryOut
    best: MatchOut | None
    matches: list[MatchOut]
    evidence: list[Evidence] = Field(description="The records behind the verdict")
    cautions: list[MatchOut] = Field(
        default_factory=list,
        description="Warning-list entries that match well but did not decide the verdict, e.g. an illegal app "
        "using a licensed lender's brand",
    )
    sources_checked: list[SourceChecked]
    coverage: Coverage
    data_version: str
