"""GET /lenders: verdicts with evidence, as users rely on them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.stores import PDF_URL


def test_licensed_lender_answers_with_its_licence_record(client: TestClient) -> None:
    answer = client.get("/lenders", params={"name": "招联消费金融股份有限公司"}).json()
    assert answer["verdict"] == "licensed"
    evidence = answer["evidence"][0]
    assert evidence["licence_number"] == "X0007H244030001"
    assert evidence["source_url"] == PDF_URL
    assert evidence["retrieved_at"].startswith("2026-09-27")
    assert answer["best"]["how"] == "exact_name"
    assert answer["best"]["score"] == 1.0


def test_traditional_name_finds_the_simplified_licence(client: TestClient) -> None:
    assert client.get("/lenders", params={"name": "招聯消費金融股份有限公司"}).json()["verdict"] == "licensed"


def test_unknown_name_is_not_found_and_lists_the_sources_checked(client: TestClient) -> None:
    answer = client.get("/lenders", params={"name": "七天贷"}).json()
    assert answer["verdict"] == "not_found"
    assert {s["id"] for s in answer["sources_checked"]} == {"cn-test-licences", "id-test-warnings"}
    assert "safe" in answer["summary"] and "does not mean" in answer["summary"]
    assert answer["evidence"] == []


def test_lender_gone_from_the_newest_list_is_formerly_licensed_with_both_dates(client: TestClient) -> None:
    answer = client.get("/lenders", params={"name": "新疆汇和银行股份有限公司"}).json()
    assert answer["verdict"] == "formerly_licensed"
    evidence = answer["evidence"][0]
    assert (evidence["as_of"], evidence["removed_as_of"]) == ("2025-06-30", "2025-12-31")
    assert evidence["listed"] is False
    assert "no longer listed" in answer["summary"]


def test_warning_list_entry_is_a_warning(client: TestClient) -> None:
    answer = client.get("/lenders", params={"name": "Uang Mudah - Pinjam Dana Cepat"}).json()
    assert answer["verdict"] == "warning"
    assert answer["evidence"][0]["kind"] == "warning"


def test_url_reaches_the_lender_by_its_domain(client: TestClient) -> None:
    answer = client.get("/lenders", params={"url": "https://m.uangmudah.example.id/apply?x=1"}).json()
    assert answer["verdict"] == "warning"
    assert answer["best"]["how"] == "domain"


def test_chinese_summary_by_accept_language(client: TestClient) -> None:
    answer = client.get("/lenders", params={"name": "七天贷"}, headers={"Accept-Language": "zh-CN,zh;q=0.9"}).json()
    assert "没有找到" in answer["summary"]


def test_not_found_for_an_uncovered_country_says_it_is_not_covered(client: TestClient) -> None:
    answer = client.get("/lenders", params={"name": "Cashalo", "jurisdiction": "PH"}).json()
    assert answer["verdict"] == "not_found"
    assert answer["coverage"]["covered"] is False
    assert "no list for Philippines" in answer["summary"]


def test_chinese_not_found_states_what_is_not_covered(client: TestClient) -> None:
    answer = client.get("/lenders", params={"name": "七天贷", "jurisdiction": "CN"}).json()
    assert any("microloan" in item for item in answer["coverage"]["not_covered"])


def test_lookups_are_cacheable_with_etag(client: TestClient) -> None:
    first = client.get("/lenders", params={"name": "七天贷"})
    assert "max-age" in first.headers["cache-control"]
    again = client.get("/lenders", params={"name": "七天贷"}, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_cors_is_open_for_browser_extensions(client: TestClient) -> None:
    response = client.get("/lenders", params={"name": "七天贷"}, headers={"Origin": "chrome-extension://abc"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_lender_detail_has_names_records_and_change_events(client: TestClient) -> None:
    lender_id = client.get("/lenders", params={"name": "新疆汇和银行"}).json()["best"]["lender_id"]
    detail = client.get(f"/lenders/{lender_id}").json()
    assert [e["kind"] for e in detail["events"]] == ["added", "removed"]
    assert detail["records"][0]["record_id"] == "B1043H365400001"


def test_unknown_lender_id_is_404(client: TestClient) -> None:
    response = client.get("/lenders/no-such-lender")
    assert response.status_code == 404
    assert "no-such-lender" in response.json()["detail"]
