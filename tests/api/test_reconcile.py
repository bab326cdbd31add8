"""/reconcile: the Reconciliation Service API 0.2 (OpenRefine), with the protocol's request and response shapes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.stores import PDF_URL

ZHAOLIAN = "cn-nfra-x0007h244030001"


def reconcile(client: TestClient, queries: dict[str, Any]) -> dict[str, Any]:
    """As OpenRefine sends it: a form-encoded `queries` field."""
    response = client.post("/reconcile", data={"queries": json.dumps(queries, ensure_ascii=False)})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_manifest_describes_the_service(client: TestClient) -> None:
    manifest = client.get("/reconcile").json()
    assert "0.2" in manifest["versions"]
    assert manifest["name"] and manifest["identifierSpace"] and manifest["schemaSpace"]
    assert manifest["defaultTypes"] == [{"id": "lender", "name": "Lender"}]
    assert manifest["view"]["url"] == "http://testserver/lenders/{{id}}"
    preview = manifest["preview"]
    assert "{{id}}" in preview["url"] and preview["width"] > 0 and preview["height"] > 0
    assert manifest["extend"]["propose_properties"]["service_path"] == "/reconcile/properties"


def test_manifest_as_jsonp(client: TestClient) -> None:
    response = client.get("/reconcile", params={"callback": "jsonp123"})
    assert response.text.startswith("jsonp123({") and response.text.endswith(");")
    assert client.get("/reconcile", params={"callback": "alert(1)//"}).status_code == 422


def test_queries_answer_per_key_with_scored_typed_candidates(client: TestClient) -> None:
    body = reconcile(client, {
        "q0": {"query": "招联消费金融股份有限公司", "type": "lender", "limit": 3},
        "q1": {"query": "七天贷"},
    })
    assert set(body) == {"q0", "q1"}
    best = body["q0"]["result"][0]
    assert best["id"] == ZHAOLIAN and best["name"] == "招联消费金融股份有限公司"
    assert best["score"] == 100 and best["match"] is True
    assert best["type"] == [{"id": "lender", "name": "Lender"}]
    assert "licensed" in best["description"]
    assert body["q1"]["result"] == []


def test_view_url_leads_to_the_lender(client: TestClient) -> None:
    view = client.get("/reconcile").json()["view"]["url"].replace("{{id}}", ZHAOLIAN)
    assert client.get(view).json()["lender"]["name"] == "招联消费金融股份有限公司"


def test_queries_as_json_body_and_query_string(client: TestClient) -> None:
    queries = {"q0": {"query": "招联消费金融股份有限公司"}}
    by_json = client.post("/reconcile", json={"queries": queries}).json()
    by_get = client.get("/reconcile", params={"queries": json.dumps(queries)}).json()
    assert by_json == by_get == reconcile(client, queries)


def test_jurisdiction_property_narrows_candidates(client: TestClient) -> None:
    body = reconcile(client, {
        "cn": {"query": "招联消费金融股份有限公司", "properties": [{"pid": "jurisdiction", "v": "CN"}]},
        "id": {"query": "招联消费金融股份有限公司", "properties": [{"pid": "jurisdiction", "v": "ID"}]},
    })
    assert body["cn"]["result"][0]["id"] == ZHAOLIAN
    assert body["id"]["result"] == []


def test_domain_property_finds_the_lender_by_its_site(client: TestClient) -> None:
    body = reconcile(client, {"q0": {"query": "Some app", "properties": [
        {"pid": "domain", "v": "https://m.uangmudah.example.id/apply"}]}})
    best = body["q0"]["result"][0]
    assert "warning" in best["description"] and best["match"] is True


def test_other_types_get_no_candidates(client: TestClient) -> None:
    body = reconcile(client, {"q0": {"query": "招联消费金融股份有限公司", "type": "Q5"}})
    assert body["q0"]["result"] == []


def test_fuzzy_candidates_are_not_automatic_matches(client: TestClient) -> None:
    body = reconcile(client, {"q0": {"query": "招联消费金融"}})
    assert all(c["match"] is False or c["score"] == 100 for c in body["q0"]["result"])


def test_preview_is_an_html_card_with_the_evidence(client: TestClient) -> None:
    response = client.get("/reconcile/preview", params={"id": ZHAOLIAN})
    assert response.headers["content-type"].startswith("text/html")
    assert "招联消费金融股份有限公司" in response.text and "licensed" in response.text
    assert PDF_URL in response.text and "X0007H244030001" in response.text
    assert client.get("/reconcile/preview", params={"id": "nope"}).status_code == 404


def test_extend_adds_the_verdict_and_licence_number(client: TestClient) -> None:
    proposed = client.get("/reconcile/properties", params={"type": "lender"}).json()
    assert {"id": "verdict", "name": "Verdict"} in proposed["properties"]
    extend = {"ids": [ZHAOLIAN, "nope"], "properties": [{"id": "verdict"}, {"id": "licence_number"}]}
    body = client.post("/reconcile", data={"extend": json.dumps(extend)}).json()
    assert body["meta"] == [{"id": "verdict", "name": "Verdict"}, {"id": "licence_number", "name": "Licence number"}]
    assert body["rows"][ZHAOLIAN] == {"verdict": [{"str": "licensed"}], "licence_number": [{"str": "X0007H244030001"}]}
    assert body["rows"]["nope"] == {"verdict": [], "licence_number": []}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"queries": "{not json"}, "queries: not valid JSON"),
        ({"queries": "[]"}, "queries: expected a JSON object"),
        ({"queries": '{"q0": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}'}, "unknown property"),
        ({"queries": '{"q0": {"query": "x", "properties": [{"pid": "jurisdiction", "v": "XX"}]}}'},
         "not an ISO 3166-1"),
        ({"queries": '{"q0": {"query": ""}}'}, "give a query or a domain property"),
        ({"extend": '{"ids": ["a"], "properties": [{"id": "colour"}]}'}, "unknown property 'colour'"),
    ],
)
def test_bad_reconciliation_requests_are_a_clear_422(client: TestClient, data: dict[str, str], message: str) -> None:
    response = client.post("/reconcile", data=data)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_real_reconciliation_matches_the_licensed_company_and_not_qitiandai(real: TestClient) -> None:
    body = reconcile(real, {"q0": {"query": "招联消费金融股份有限公司", "type": "lender"},
                            "q1": {"query": "七天贷", "type": "lender"}})
    best = body["q0"]["result"][0]
    assert (best["id"], best["match"]) == (ZHAOLIAN, True)
    assert not any(c["match"] for c in body["q1"]["result"])
