"""FCA Register API: the 75 recorded answers replayed through a fake site, status codes, paging, the
lending-permission rule, the rate limit, and the firm records built from the captures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from lendercheck.models import Lender, RecordRow
from lendercheck.records import ParseError, RawResponse
from lendercheck.settings import Settings
from lendercheck.store import session_scope
from scrapers import gb_fca_register as fca
from scrapers import gb_fca_unauthorised as unauthorised
from scrapers.base import SourceSkipped, make_client
from scrapers.runner import ingest, run_source

API = fca.API


def recorded_site(shared: Path, seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    """The FCA API as recorded on 2026-02-27: each saved answer served at its own path and query."""
    answers = {}
    for raw in fca.recorded_responses(shared):
        url = httpx.URL(raw.url)
        answers[_key(url)] = raw.content

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        body = answers.get(_key(request.url))
        if body is None:
            return httpx.Response(404, text="not recorded")
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return httpx.MockTransport(handler)


def _key(url: httpx.URL) -> tuple[str, str, str, str]:
    params = url.params
    return (url.path.rstrip("/"), params.get("q", ""), params.get("type", ""), params.get("pgnp", "1"))


def body(status: str, data: object, message: str = "Ok") -> bytes:
    info = None if data is None else {"page": "1", "per_page": "20", "total_count": "1"}
    return json.dumps({"Status": status, "Message": message, "ResultInfo": info, "Data": data}).encode()


def raw(url: str, content: bytes) -> RawResponse:
    return RawResponse(url=url, status=200, content=content, retrieved_at=datetime(2026, 2, 27, tzinfo=UTC))


def test_firm_lookups_replay_the_recorded_answers_with_the_auth_headers(shared: Path, settings: Settings) -> None:
    seen: list[httpx.Request] = []
    with make_client(settings, recorded_site(shared, seen)) as client:
        raws = fca.fetch_with(client, "me@example.org", "KEY", frns=["113849", "552016", "1234567890"])
    assert all(r.headers["X-AUTH-EMAIL"] == "me@example.org" and r.headers["X-AUTH-KEY"] == "KEY" for r in seen)
    # Hiscox and Nutmeg: firm, names, address, permissions; the unknown FRN stops at "Firm not found".
    assert [r.label for r in raws] == [
        "firm 113849", "names 113849 p1", "address 113849 p1", "permissions 113849 p1",
        "firm 552016", "names 552016 p1", "address 552016 p1", "permissions 552016 p1",
        "firm 1234567890",
    ]
    records = fca.parse_run(raws)
    assert [r.record_id for r in records] == ["GB-FRN:113849", "GB-FRN:552016"]


def test_an_insurer_authorised_without_a_lending_permission_is_not_a_lender(shared: Path) -> None:
    (run,) = fca.bundled(shared)
    hiscox = next(r for r in run.records if r.record_id == "GB-FRN:113849")
    assert (hiscox.name, hiscox.status, hiscox.registration, hiscox.lending) == (
        "Hiscox Insurance Company Limited", "Authorised", "GB-FRN:113849", False)
    assert hiscox.licence_type == "FCA authorisation without a credit-lending permission"
    assert hiscox.source_url == f"{API}/Firm/113849"
    assert hiscox.domains == ["www.hiscox.co.uk"]
    assert {(n.name, n.kind) for n in hiscox.names} >= {("Hiscox", "trading"),
                                                         ("Economic Insurance Company Limited", "former")}
    assert hiscox.retrieved_at == datetime(2026, 2, 27, 11, 25, 19, tzinfo=UTC)


def test_trading_and_previous_names_come_from_the_names_resource(shared: Path) -> None:
    (run,) = fca.bundled(shared)
    nutmeg = next(r for r in run.records if r.record_id == "GB-FRN:552016")
    assert nutmeg.name == "J.P. MORGAN PERSONAL INVESTING LIMITED"
    assert ("Nutmeg", "former") in {(n.name, n.kind) for n in nutmeg.names}
    assert nutmeg.dates["name: Nutmeg"] == "2011-05-24 to 2025-11-03"
    assert nutmeg.domains == ["https://www.personalinvesting.jpmorgan.com"]
    assert nutmeg.lending is False and nutmeg.active is True


def test_bundle_holds_only_firms_whose_firm_record_was_recorded(shared: Path) -> None:
    (run,) = fca.bundled(shared)
    # Barclays (122702) and 484231 appear only through their permissions: no name or status to show.
    assert sorted(r.record_id for r in run.records) == ["GB-FRN:113849", "GB-FRN:552016"]
    assert run.retrieved_at == datetime(2026, 2, 27, 11, 25, 24, tzinfo=UTC)


def test_barclays_recorded_permissions_over_three_pages_include_credit_lending(
    shared: Path, settings: Settings
) -> None:
    with make_client(settings, recorded_site(shared)) as client:
        pages = fca.paged(fca.FcaClient(client, "e", "k"), f"{API}/Firm/122702/Permissions", "permissions 122702")
    assert len(pages) == 3
    names = fca.permission_names(pages)
    assert len(names) == 42  # the total_count the pages declare
    lending = [n for n in names if n.lower().startswith(fca.LENDING_PERMISSIONS)]
    assert lending == [
        "Entering into regulated credit agreement as Lender (Excluding high-cost short-term credit, bill of sale "
        "agreement, and home collected credit agreement)"
    ]


def test_an_authorised_firm_with_a_lending_permission_is_a_lender() -> None:
    # Hand-made answers in the recorded envelope for a made-up FRN: status Authorised, one lending permission.
    firm = {"FRN": "999999", "Organisation Name": "Example Lending Limited", "Status": "Authorised",
            "Status Effective Date": "01/04/2014", "Business Type": "Regulated", "Sub-Status": "",
            "System Timestamp": "27/02/2026 11:00"}
    permission = ("Entering into regulated credit agreement as Lender (High-cost short-term credit only)")
    records = fca.parse_run([
        raw(f"{API}/Firm/999999", body("FSR-API-02-01-00", [firm])),
        raw(f"{API}/Firm/999999/Permissions", body("FSR-API-02-03-00", {permission: [{"Customer Type": ["All"]}]})),
    ])
    (record,) = records
    assert (record.lending, record.active) == (True, True)
    assert record.licence_type == f"FCA authorisation with credit-lending permission: {permission}"


def test_a_firm_no_longer_authorised_is_not_an_active_licence() -> None:
    firm = {"FRN": "999998", "Organisation Name": "Gone Lending Limited", "Status": "No longer authorised",
            "Status Effective Date": "01/04/2020", "Business Type": "Regulated", "System Timestamp": "27/02/2026 11:00"}
    (record,) = fca.parse_run([raw(f"{API}/Firm/999998", body("FSR-API-02-01-00", [firm])),
                               raw(f"{API}/Firm/999998/Permissions", body("FSR-API-02-03-11", None))])
    assert (record.status, record.active, record.lending) == ("No longer authorised", False, False)


def test_every_recorded_not_found_code_reads_as_absence(shared: Path) -> None:
    not_found = [r for r in fca.recorded_responses(shared) if json.loads(r.content)["Status"].endswith("-11")]
    assert len(not_found) == 26
    assert len({json.loads(r.content)["Status"] for r in not_found}) == 16  # firm, its 13 parts, individual, search
    for answer in not_found:
        assert fca.status_found(fca.envelope(answer)) is False
    assert fca.parse_run([r for r in not_found if "/Firm/" in r.url]) == []


def test_the_bad_input_code_is_a_parse_error_not_an_absence(shared: Path) -> None:
    (bad,) = [r for r in fca.recorded_responses(shared) if json.loads(r.content)["Status"] == "FSR-API-02-13-21"]
    with pytest.raises(ParseError, match="Bad Request"):
        fca.envelope(bad)


def test_an_html_page_with_status_200_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not JSON"):
        fca.envelope(raw(f"{API}/Firm/1", b"<html>Just a moment...</html>"))


def test_search_follows_next_pages_and_yields_warning_list_hits(shared: Path, settings: Settings) -> None:
    seen: list[httpx.Request] = []
    with make_client(settings, recorded_site(shared, seen)) as client:
        raws = fca.fetch_with(client, "e", "k", queries=["revolution"], max_firms_per_query=0)
    assert [r.url.params["pgnp"] for r in seen] == ["1", "2", "3", "4"]
    assert fca.parse_run(raws) == []  # search rows alone are not firm records
    warnings = unauthorised.parse_run(raws)
    assert len(warnings) == 5
    clone = next(w for w in warnings if w.name == "Revolution FSL")
    assert clone.status == "Unauthorised (clone of FCA authorised firm)"
    assert clone.record_id == "Revolution FSL (clone of FCA authorised firm) (Postcode: n/a)"
    assert clone.source_url == f"{API}/Search?q=revolution&type=firm&pgnp=2"
    bitcoin = next(w for w in warnings if w.name.startswith("Bitcoin Revolution"))
    assert [n.name for n in bitcoin.names] == ["Bitcoin Revolution", "Bitcoin Trader"]
    assert bitcoin.fields["postcode"] == "EC3R 6HA"


def test_a_search_with_no_result_gives_no_records(shared: Path, settings: Settings) -> None:
    with make_client(settings, recorded_site(shared)) as client:
        raws = fca.fetch_with(client, "e", "k", queries=["nonexistent firm xyz"])
    assert len(raws) == 1
    assert fca.parse_run(raws) == [] and unauthorised.parse_run(raws) == []


def test_a_429_waits_out_the_one_minute_block_then_retries(settings: Settings) -> None:
    calls: list[int] = []
    waits: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(429, text="Too Many Requests")
        return httpx.Response(200, content=body("FSR-API-02-01-11", None, "Firm not found"))

    one_try = settings.model_copy(update={"http_retries": 1})
    with make_client(one_try, httpx.MockTransport(handler)) as client:
        client_ = fca.FcaClient(client, "e", "k", sleep=waits.append)
        answer = client_.get(f"{API}/Firm/1", "firm 1")
    assert waits == [60.0] and answer.status == 200


def test_the_token_bucket_allows_fifty_requests_per_ten_seconds() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    bucket = fca.TokenBucket(clock=lambda: now[0], sleep=sleep)
    for _ in range(50):
        bucket.take()
    assert waits == []
    bucket.take()
    assert waits == [pytest.approx(0.2)]


def test_without_credentials_the_source_is_skipped_not_failed(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fca, "get_settings", lambda: settings)
    with pytest.raises(SourceSkipped, match="needs LENDERCHECK_FCA_EMAIL and LENDERCHECK_FCA_KEY"):
        fca.fetch(httpx.Client())
    with make_client(settings, httpx.MockTransport(lambda r: httpx.Response(500))) as client:
        report = run_source(fca, engine, settings, client)
    assert report.state == "skipped" and "LENDERCHECK_FCA_KEY" in report.reason


def test_refresh_asks_again_for_the_firms_already_in_the_store(
    shared: Path, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    (run,) = fca.bundled(shared)
    ingest(engine, settings, fca.SOURCE, run.raws, partial(list, run.records), now=run.retrieved_at)
    with_keys = settings.model_copy(update={"fca_email": "me@example.org", "fca_key": "KEY"})
    monkeypatch.setattr(fca, "get_settings", lambda: with_keys)
    with make_client(settings, recorded_site(shared)) as client:
        report = run_source(fca, engine, settings, client)
    assert (report.state, report.parsed, report.added, report.removed) == ("accepted", 2, 0, 0)


def test_an_empty_run_is_rejected(engine: Engine, settings: Settings) -> None:
    report = ingest(engine, settings, fca.SOURCE, [], lambda: [])
    assert report.state == "rejected" and "fewer than the minimum of 1" in report.reason


def test_store_keeps_fca_firms_and_warning_hits_as_separate_lenders(
    shared: Path, engine: Engine, settings: Settings
) -> None:
    for module in (fca, unauthorised):
        (run,) = module.bundled(shared)
        report = ingest(engine, settings, module.SOURCE, run.raws, partial(list, run.records), now=run.retrieved_at)
        assert report.state == "accepted"
    with session_scope(engine) as session:
        hiscox = session.exec(select(RecordRow).where(RecordRow.record_id == "GB-FRN:113849")).one()
        lender = session.get(Lender, hiscox.lender_id)
        assert lender is not None and lender.registration == "GB-FRN:113849"
        assert (hiscox.kind, hiscox.lending, hiscox.licence_number) == ("licence", False, "FRN 113849")
        groups = {lender.group for lender in session.exec(select(Lender).where(Lender.jurisdiction == "GB"))}
    assert groups == {"entity", "warning"}
