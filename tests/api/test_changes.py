"""GET /changes: the change feed, filtered and paged, with clear 422s for bad filters."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_removed_licences_since_a_date(client: TestClient) -> None:
    body = client.get("/changes", params={"since": "2026-01-01", "kind": "removed"}).json()
    assert body["count"] == 1 and body["next"] is None
    change = body["data"][0]
    assert change["name"] == "新疆汇和银行股份有限公司"
    assert (change["kind"], change["before"], change["after"]) == ("removed", "listed", None)
    assert change["as_of"] == "2025-12-31"
    assert change["at"].startswith("2026-09-27")
    assert change["regulator"] == "国家金融监督管理总局 (NFRA)"
    assert client.get(f"/lenders/{change['lender_id']}").status_code == 200


def test_changes_filter_by_source_kind_and_dates(client: TestClient) -> None:
    everything = client.get("/changes").json()
    assert everything["count"] == 6
    warnings = client.get("/changes", params={"source": "id-test-warnings"}).json()
    assert {c["source_id"] for c in warnings["data"]} == {"id-test-warnings"}
    both = client.get("/changes", params={"kind": "added,removed"}).json()
    assert both["count"] == 6
    until = client.get("/changes", params={"until": "2025-10-02"}).json()
    assert until["count"] == 5 and all(c["at"].startswith("2025-10-02") for c in until["data"])


def test_cursor_pages_cover_every_change_once(client: TestClient) -> None:
    seen, url = [], "/changes?limit=2"
    while url:
        body = client.get(url).json()
        assert len(body["data"]) <= 2 and body["count"] == 6
        seen += [c["id"] for c in body["data"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 6


def test_numbered_pages_match_the_cursor_pages(client: TestClient) -> None:
    first = client.get("/changes", params={"limit": 4, "page": 1}).json()
    second = client.get("/changes", params={"limit": 4, "page": 2}).json()
    assert "page=2" in first["next"] and second["next"] is None
    cursor = client.get("/changes", params={"limit": 6}).json()
    assert [c["id"] for c in first["data"] + second["data"]] == [c["id"] for c in cursor["data"]]


def test_changes_are_cacheable(client: TestClient) -> None:
    first = client.get("/changes", params={"kind": "removed"})
    again = client.get("/changes", params={"kind": "removed"}, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2025-13-01"}, "since: '2025-13-01' is not a date"),
        ({"since": "last year"}, "is not a date"),
        ({"until": "2025/12/31"}, "until:"),
        ({"since": "2026-01-01", "until": "2025-01-01"}, "since: must be before until"),
        ({"kind": "deleted"}, "kind: 'deleted' is not one of added, removed, status_changed"),
        ({"source": "cn-nowhere"}, "source: unknown source 'cn-nowhere'; known: cn-test-licences"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"page": "0"}, "page"),
        ({"page": "1", "cursor": "x"}, "cursor or page"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor: not a cursor"),
    ],
)
def test_bad_change_filters_are_a_clear_422(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/changes", params=params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_real_feed_lists_banking_entities_gone_from_the_newest_nfra_list(real: TestClient) -> None:
    params = {"source": "cn-nfra-legal-entities", "kind": "removed", "limit": 50}
    body = real.get("/changes", params=params).json()
    assert body["count"] > 0 and len(body["data"]) == min(50, body["count"])
    for change in body["data"]:
        assert change["before"] == "listed" and change["after"] is None
        assert change["source_id"] == "cn-nfra-legal-entities"
        answer = real.get(f"/lenders/{change['lender_id']}").json()
        assert any(r["record_id"] == change["record_id"] and not r["listed"] for r in answer["records"])
