"""The FastAPI app: `create_app(settings)`; `app` for `uvicorn api.main:app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from api.errors import install_handlers
from api.routes import batch, changes, exports, lenders, pages, reconcile, sources, system
from lendercheck import __version__
from lendercheck.live_index import LiveIndex
from lendercheck.settings import Settings, get_settings
from lendercheck.snapshot import ensure_store

TAGS = [
    {"name": "lenders", "description": "Is this lender licensed? Verdicts with the regulator's own records."},
    {"name": "sources", "description": "The regulators' lists we check, and how fresh they are."},
    {"name": "changes", "description": "What changed on the regulators' lists, and when."},
    {"name": "exports", "description": "Whole-store downloads for journalists and browser extensions."},
    {"name": "reconcile", "description": "OpenRefine reconciliation (Reconciliation Service API 0.2)."},
    {"name": "system", "description": "Health and readiness."},
]


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = ensure_store(settings)
        live = LiveIndex(engine, settings.answer_cache_size)
        live.refresh()
        app.state.engine, app.state.live = engine, live
        live.start_watching(settings.index_refresh_interval)
        yield
        live.stop()
        engine.dispose()

    app = FastAPI(
        title="lendercheck",
        version=__version__,
        summary="Is this lending platform licensed? Answers from regulators' own lists, with evidence.",
        openapi_tags=TAGS,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    # Browser extensions call from any origin; answers carry no credentials.
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"],
        expose_headers=["ETag", "X-Data-Version", "X-Generated-At"], allow_credentials=False,
    )
    install_handlers(app)
    for module in (batch, lenders, sources, changes, exports, reconcile, system, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    return app


app = create_app()
