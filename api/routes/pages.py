"""`GET /`: the page for borrowers, plain HTML, CSS and JavaScript from `api/static/` that calls the API."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(tags=["pages"])


@router.get("/", include_in_schema=False)
def home() -> FileResponse:
    """The search page: is this lender licensed? In Chinese and English."""
    return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "public, max-age=300"})
