"""Bad input is a clear 422, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "give one of name, domain or url"),
        ({"name": ""}, "name: must not be empty"),
        ({"name": "   "}, "name: must not be empty"),
        ({"name": "x" * 201}, "at most 200 characters"),
        ({"name": "招联\x00消费"}, "control characters"),
        ({"name": "招联\n消费"}, "control characters"),
        ({"url": "http://"}, "cannot find a host"),
        ({"url": "not a url at all"}, "cannot find a host"),
        ({"domain": "http://[::1"}, "cannot find a host"),
        ({"name": "招联", "domain": "a.com"}, "only one of"),
        ({"name": "招联", "jurisdiction": "XX"}, "not an ISO 3166-1"),
        ({"name": "招联", "jurisdiction": "china"}, "not an ISO 3166-1"),
        ({"name": "招联", "limit": "0"}, "limit"),
        ({"name": "招联", "limit": "51"}, "limit"),
        ({"name": "招联", "limit": "ten"}, "limit"),
    ],
)
def test_bad_query_is_a_clear_422(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/lenders", params=params)
    assert response.status_code == 422
    assert message in response.json()["detail"]
