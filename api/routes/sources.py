"""`GET /sources`: what we check, and how fresh it is."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import SessionDep
from lendercheck.answers import SourceChecked
from lendercheck.store import data_version, list_sources
from lendercheck.verdict import source_out

router = APIRouter(prefix="/sources", tags=["sources"])


class SourcesOut(BaseModel):
    data: list[SourceChecked]
    count: int
    data_version: str


@router.get("", response_model=SourcesOut)
def get_sources(session: SessionDep) -> SourcesOut:
    """Each source with its regulator, kind, what it covers, last attempt and success, record count and state."""
    sources = [source_out(s) for s in list_sources(session)]
    return SourcesOut(data=sources, count=len(sources), data_version=data_version(session))
