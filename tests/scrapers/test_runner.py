"""The live path: one HTTP client, retries and politeness, a source module run end to end over a fake site."""

from __future__ import annotations

import types
from datetime import UTC, datetime

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import select

from lendercheck.models import RecordRow, SourceRow
from lendercheck.records import ParseError, RawResponse, Record, Source
from lendercheck.settings import Settings
from lendercheck.store import session_scope
from scrapers.base import RetryingTransport, SourceSkipped, get, make_client
from scrapers.runner import run_source

LIST_URL = "https://lists.example.org/lenders.csv"


def fake_module(parse_error_on: bytes = b"<html") -> types.ModuleType:
    module = types.ModuleType("fake_source")
    module.SOURCE = Source(id="xx-fake", name="Fake list", regulator="Fake regulator", jurisdiction="CN",  # type: ignore[attr-defined]
                           kind="licence", url=LIST_URL, min_records=2)

    def fetch(client: httpx.Client) -> list[RawResponse]:
        return [get(client, LIST_URL, "list")]

    def parse(raw: RawResponse) -> list[Record]:
        if raw.content.startswith(parse_error_on):
            raise ParseError("an HTML page where a CSV was expected")
        return [
            Record(source_id="xx-fake", record_id=line.split(",")[0], name=line.split(",")[1], status="listed",
                   source_url=raw.url, retrieved_at=raw.retrieved_at)
            for line in raw.text().splitlines()[1:]
        ]

    module.fetch, module.parse = fetch, parse  # type: ignore[attr-defined]
    return module


def site(body: bytes, status: int = 200) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["user-agent"].startswith("lendercheck/")
        return httpx.Response(status, content=body, headers={"content-type": "text/csv; charset=utf-8"})

    return httpx.MockTransport(handler)


def test_a_source_runs_end_to_end_over_the_same_client_as_live(engine: Engine, settings: Settings) -> None:
    body = "code,name\nA1,招联消费金融股份有限公司\nA2,马上消费金融股份有限公司\n".encode()
    with make_client(settings, site(body)) as client:
        report = run_source(fake_module(), engine, settings, client)
    assert (report.state, report.parsed, report.added) == ("accepted", 2, 2)
    with session_scope(engine) as session:
        row = session.exec(select(RecordRow).where(RecordRow.record_id == "A1")).one()
    assert (row.name, row.source_url) == ("招联消费金融股份有限公司", LIST_URL)


def test_an_error_page_with_status_200_is_rejected(engine: Engine, settings: Settings) -> None:
    with make_client(settings, site(b"<html>503 Service Unavailable</html>")) as client:
        report = run_source(fake_module(), engine, settings, client)
    assert report.state == "failed" and "HTML page" in report.reason
    with session_scope(engine) as session:
        assert session.get(SourceRow, "xx-fake").state == "failed"  # type: ignore[union-attr]


def test_an_http_error_status_is_rejected(engine: Engine, settings: Settings) -> None:
    with make_client(settings.model_copy(update={"http_retries": 1}), site(b"gone", 404)) as client:
        report = run_source(fake_module(), engine, settings, client)
    assert report.state == "failed" and "HTTP 404" in report.reason


def test_a_skipped_source_says_why_and_is_not_an_error(engine: Engine, settings: Settings) -> None:
    module = fake_module()

    def fetch(client: httpx.Client) -> list[RawResponse]:
        raise SourceSkipped("needs credentials: set LENDERCHECK_FAKE_KEY")

    module.fetch = fetch  # type: ignore[attr-defined]
    with make_client(settings, site(b"")) as client:
        report = run_source(module, engine, settings, client)
    assert (report.state, report.reason) == ("skipped", "needs credentials: set LENDERCHECK_FAKE_KEY")


def test_429_is_retried_after_the_time_the_server_asks() -> None:
    calls, sleeps = [], []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(200, text="ok")

    transport = RetryingTransport(httpx.MockTransport(handler), retries=3, min_interval=0, sleep=sleeps.append)
    with httpx.Client(transport=transport) as client:
        assert client.get("https://example.org/").text == "ok"
    assert len(calls) == 2 and 7.0 in sleeps


def test_timeouts_are_retried_with_backoff_then_raised() -> None:
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    transport = RetryingTransport(httpx.MockTransport(handler), retries=3, min_interval=0, sleep=sleeps.append)
    with httpx.Client(transport=transport) as client:
        try:
            client.get("https://example.org/")
        except httpx.ReadTimeout:
            pass
        else:
            raise AssertionError("expected the timeout to surface after the retries")
    assert sleeps == [1.0, 2.0]


def test_requests_to_a_source_keep_a_polite_interval() -> None:
    sleeps: list[float] = []
    transport = RetryingTransport(httpx.MockTransport(lambda r: httpx.Response(200)), min_interval=5.0,
                                  sleep=sleeps.append)
    with httpx.Client(transport=transport) as client:
        client.get("https://example.org/a")
        client.get("https://example.org/b")
    assert sleeps and sleeps[0] > 4.0


def test_raw_response_keeps_time_and_decodes_by_its_charset() -> None:
    raw = RawResponse(url="https://x", status=200, content="银行".encode("gbk"), content_type="text/html; charset=GBK")
    assert raw.text() == "银行"
    assert raw.retrieved_at.tzinfo is not None and raw.retrieved_at <= datetime.now(UTC)


def test_a_fetch_that_fails_is_recorded_as_a_failed_run(engine: Engine, settings: Settings) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with make_client(settings.model_copy(update={"http_retries": 1}), httpx.MockTransport(handler)) as client:
        report = run_source(fake_module(), engine, settings, client)
    assert report.state == "failed" and "ConnectError" in report.reason
