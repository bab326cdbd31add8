"""The scraper contract, on one screen.

A source module holds:
- `SOURCE = Source(...)`: id, regulator, jurisdiction, kind, home URL, minimum record count;
- `fetch(client: httpx.Client) -> list[RawResponse]`: the live path, given a client built by
  `make_client` (tests pass one over `httpx.MockTransport`);
- `parse(raw: RawResponse) -> list[Record]`: pure; raises `ParseError` on anything that is not the list.
Optionally `parse_run(raws) -> list[Record]` when records need several responses at once, and
`bundled(shared: Path) -> list[BundledRun]` when the bundled snapshot is built from saved copies of it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Protocol, cast

import httpx

from lendercheck.records import ParseError, RawResponse, Record, Source
from lendercheck.settings import Settings

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}


class SourceModule(Protocol):
    SOURCE: Source

    def fetch(self, client: httpx.Client) -> list[RawResponse]: ...

    def parse(self, raw: RawResponse) -> list[Record]: ...


class SourceSkipped(Exception):
    """The source cannot run here (e.g. no credentials): said plainly, never an error."""


class RetryingTransport(httpx.BaseTransport):
    """Retries connection errors, 429 and 5xx with exponential backoff, and keeps a polite pace."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        retries: int = 3,
        min_interval: float = 1.0,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner = inner
        self.retries = retries
        self.min_interval = min_interval
        self.backoff = backoff
        self.sleep = sleep
        self._last = 0.0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            self._last = time.monotonic()
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError:
                if attempt >= self.retries - 1:
                    raise
            else:
                if response.status_code not in RETRY_STATUSES or attempt >= self.retries - 1:
                    return response
                retry_after = response.headers.get("Retry-After", "")
                response.close()
                if retry_after.isdigit():
                    self.sleep(min(float(retry_after), 120.0))
            self.sleep(self.backoff * 2**attempt)
            attempt += 1

    def close(self) -> None:
        self.inner.close()


def make_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The one HTTP client every source uses: timeouts, retries, a clear User-Agent, a polite rate."""
    inner = transport or httpx.HTTPTransport()
    return httpx.Client(
        transport=RetryingTransport(inner, retries=settings.http_retries, min_interval=settings.http_min_interval),
        timeout=settings.http_timeout,
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
    )


def get(client: httpx.Client, url: str, label: str = "", **kwargs: object) -> RawResponse:
    """GET a URL and keep the answer as a RawResponse (status and bytes as received)."""
    response = client.get(url, **kwargs)  # type: ignore[arg-type]
    return raw_of(response, label)


def raw_of(response: httpx.Response, label: str = "") -> RawResponse:
    return RawResponse(
        url=str(response.url),
        status=response.status_code,
        content=response.content,
        content_type=response.headers.get("content-type", ""),
        label=label,
    )


def parse_all(module: ModuleType | SourceModule, raws: Sequence[RawResponse]) -> list[Record]:
    parse_run = getattr(module, "parse_run", None)
    if parse_run is not None:
        return cast(list[Record], parse_run(list(raws)))
    records: list[Record] = []
    for raw in raws:
        if raw.status != 200:
            raise ParseError(f"HTTP {raw.status} from {raw.url}")
        records.extend(module.parse(raw))
    return records


CSV = "text/csv; charset=utf-8"


def saved_copy(path: Path, url: str, retrieved_at: datetime, label: str, content_type: str = CSV) -> RawResponse:
    """A saved copy of a source's answer, standing for the official URL it was taken from."""
    return RawResponse(url=url, status=200, content=path.read_bytes(), content_type=content_type,
                       retrieved_at=retrieved_at, label=label)


@dataclass
class BundledRun:
    """One run rebuilt from a saved copy of a source (for the bundled snapshot): the bytes as saved,
    with the official URL they stand for, and the time the copy says it was retrieved."""

    raws: list[RawResponse]
    records: list[Record]
    retrieved_at: datetime
