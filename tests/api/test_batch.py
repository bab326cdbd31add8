"""POST /lenders/batch: many lookups at once, each answered as GET /lenders would, as JSON or CSV."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.stores import PDF_URL

QUERIES = [
    {"id": "a", "name": "招联消费金融股份有限公司"},
    {"id": "b", "name": "七天贷"},
    {"id": "c", "url": "https://m.uangmudah.example.id/apply?x=1"},
    {"id": "d", "name": "新疆汇和银行股份有限公司", "jurisdiction": "CN"},
]


def test_batch_answers_each_query_as_get_would(client: TestClient) -> None:
    items = client.post("/lenders/batch", json={"queries": QUERIES}).json()["data"]
    assert [item["id"] for item in items] == ["a", "b", "c", "d"]
    assert [item["index"] for item in items] == [0, 1, 2, 3]
    for query, item in zip(QUERIES, items, strict=True):
        params = {k: v for k, v in query.items() if k != "id"}
        assert item["answer"] == client.get("/lenders", params=params).json()
        assert item["error"] is None
    assert [item["answer"]["verdict"] for item in items] == ["licensed", "not_found", "warning", "formerly_licensed"]


def test_bad_item_gets_the_get_error_and_the_others_are_answered(client: TestClient) -> None:
    queries = [{"name": "招联消费金融股份有限公司"}, {"name": "招联", "jurisdiction": "XX"}, {"name": ""},
               {"name": "招联", "domain": "a.com"}]
    response = client.post("/lenders/batch", json={"queries": queries})
    assert response.status_code == 200
    items = response.json()["data"]
    assert items[0]["answer"]["verdict"] == "licensed"
    for item, params in zip(items[1:], queries[1:], strict=True):
        assert item["answer"] is None
        assert item["error"] == client.get("/lenders", params=params).json()


@pytest.mark.parametrize("count", [0, 1001])
def test_empty_or_oversized_batch_is_a_422(client: TestClient, count: int) -> None:
    response = client.post("/lenders/batch", json={"queries": [{"name": "七天贷"}] * count})
    assert response.status_code == 422
    assert "1 to 1000 queries" in response.json()["detail"]


def test_malformed_body_is_a_422(client: TestClient) -> None:
    assert client.post("/lenders/batch", json=[{"name": "七天贷"}]).status_code == 422
    assert client.post("/lenders/batch", content=b"not json", headers={"Content-Type": "application/json"}
                       ).status_code == 422


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff"), "spreadsheet programs need the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize(("params", "headers"), [({"format": "csv"}, {}), ({}, {"Accept": "text/csv"})])
def test_csv_has_one_row_per_query_with_the_evidence(
    client: TestClient, params: dict[str, str], headers: dict[str, str]
) -> None:
    response = client.post("/lenders/batch", params=params, headers=headers,
                           json={"queries": QUERIES + [{"id": "e", "name": ""}]})
    assert response.headers["content-type"].startswith("text/csv")
    rows = read_csv(response.text)
    assert [row["id"] for row in rows] == ["a", "b", "c", "d", "e"]
    licensed = rows[0]
    assert licensed["query"] == "招联消费金融股份有限公司"
    assert licensed["verdict"] == "licensed"
    assert licensed["best_match"] == "招联消费金融股份有限公司"
    assert (licensed["score"], licensed["method"]) == ("1.000", "exact_name")
    assert licensed["regulator"] == "国家金融监督管理总局 (NFRA)"
    assert licensed["licence_number"] == "X0007H244030001"
    assert licensed["status"] == "listed"
    assert licensed["source_url"] == PDF_URL
    assert licensed["retrieved_at"].startswith("2026-09-27")
    assert rows[1]["verdict"] == "not_found" and rows[1]["best_match"] == ""
    assert rows[4]["error"] == "name: must not be empty"


def test_unknown_format_is_a_422(client: TestClient) -> None:
    response = client.post("/lenders/batch", params={"format": "xlsx"}, json={"queries": QUERIES})
    assert response.status_code == 422
    assert "format" in response.json()["detail"]


def test_real_batch_finds_the_licensed_consumer_finance_company_and_not_qitiandai(real: TestClient) -> None:
    response = real.post("/lenders/batch", params={"format": "csv"},
                         json={"queries": [{"id": 1, "name": "招联消费金融股份有限公司"}, {"id": 2, "name": "七天贷"}]})
    first, second = read_csv(response.text)
    assert first["verdict"] == "licensed"
    assert first["licence_number"] == "X0007H244030001"
    assert first["source_url"].startswith("https://www.nfra.gov.cn/")
    assert second["verdict"] == "not_found"
