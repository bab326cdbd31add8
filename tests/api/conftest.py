from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from lendercheck.settings import Settings
from tests.stores import fill


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    fill(engine, settings)
    with TestClient(create_app(settings)) as client:
        yield client
