"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.errors import ERRORS, NotReady

router = APIRouter(tags=["system"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: ERRORS[503]})
def readyz(request: Request) -> dict[str, str | int]:
    """Ready once the matcher index is loaded."""
    live = request.app.state.live
    if not live.ready:
        raise NotReady("the matcher index is still loading")
    return {"status": "ready", "data_version": live.version or "", "index_entries": live.current.size}
