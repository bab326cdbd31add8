"""Full exports for journalists (lenders.csv, records.jsonl) and the domain list for browser extensions."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from tests.stores import PDF_URL


def lenders(text: str) -> dict[str, dict[str, str]]:
    assert text.startswith("\ufeff")
    return {row["lender_id"]: row for row in csv.DictReader(io.StringIO(text[1:]))}


def test_lenders_csv_has_every_lender_with_its_verdict_and_record(client: TestClient) -> None:
    response = client.get("/exports/lenders.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = lenders(response.text)
    assert len(rows) == 5
    zhaolian = rows["cn-nfra-x0007h244030001"]
    assert zhaolian["verdict"] == "licensed"
    assert zhaolian["licence_number"] == "X0007H244030001"
    assert zhaolian["source_url"] == PDF_URL
    assert zhaolian["regulator"] == "国家金融监督管理总局 (NFRA)"
    gone = rows["cn-nfra-b1043h365400001"]
    assert (gone["verdict"], gone["listed"]) == ("formerly_licensed", "no")
    warned = next(row for row in rows.values() if row["verdict"] == "warning")
    assert warned["app_ids"] == "com.uangmudah.pinjam"


def test_records_jsonl_has_every_record_as_published(client: TestClient) -> None:
    lines = client.get("/exports/records.jsonl").text.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 5
    gone = next(r for r in records if r["record_id"] == "B1043H365400001")
    assert gone["removed_as_of"] == "2025-12-31"
    assert gone["source_url"] == PDF_URL
    assert gone["retrieved_at"].endswith("+00:00")


@pytest.mark.parametrize("path", ["/exports/lenders.csv", "/exports/records.jsonl", "/exports/domains.json"])
def test_exports_say_which_data_and_when_and_are_cacheable(client: TestClient, path: str) -> None:
    response = client.get(path)
    version = client.get("/readyz").json()["data_version"]
    assert response.headers["x-data-version"] == version
    assert "max-age" in response.headers["cache-control"]
    if path != "/exports/domains.json":
        assert response.headers["x-generated-at"].startswith("20")
    again = client.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_domains_json_gives_each_domain_and_app_id_its_lenders_verdict(client: TestClient) -> None:
    body = client.get("/exports/domains.json").json()
    found = {entry["domain"]: entry for entry in body["data"]}
    assert body["count"] == len(body["data"]) == 2
    app = found["com.uangmudah.pinjam"]
    assert (app["kind"], app["verdict"]) == ("app_id", "warning")
    lender_id = app["lenders"][0]["id"]
    assert client.get(f"/lenders/{lender_id}").status_code == 200


def test_exports_are_open_to_any_origin(client: TestClient) -> None:
    response = client.get("/exports/domains.json", headers={"Origin": "chrome-extension://abc"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_real_lenders_csv_lists_the_licensed_consumer_finance_company(real: TestClient) -> None:
    with real.stream("GET", "/exports/lenders.csv") as response:
        text = "".join(response.iter_text())
    row = lenders(text)["cn-nfra-x0007h244030001"]
    assert (row["name"], row["verdict"], row["licence_number"]) == (
        "招联消费金融股份有限公司", "licensed", "X0007H244030001")


def test_real_domains_agree_with_lookups(real: TestClient) -> None:
    body = real.get("/exports/domains.json").json()
    assert body["count"] > 1000
    entry = next(e for e in body["data"] if e["kind"] == "domain" and len(e["lenders"]) == 1)
    answer = real.get("/lenders", params={"domain": entry["domain"]}).json()
    assert answer["best"]["lender_id"] == entry["lenders"][0]["id"]
    assert answer["verdict"] == entry["verdict"]
