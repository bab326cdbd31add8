from __future__ import annotations

from fastapi.testclient import TestClient


def test_openapi_schema_loads_with_operation_ids(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["paths"]["/lenders"]["get"]["operationId"] == "lenders-lookup_lender"


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["index_entries"] > 0


def test_sources_report_freshness_and_counts(client: TestClient) -> None:
    sources = {s["id"]: s for s in client.get("/sources").json()["data"]}
    licences = sources["cn-test-licences"]
    assert licences["record_count"] == 3
    assert licences["state"] == "ok"
    assert licences["retrieved_at"].startswith("2026-09-27")
