from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.main import create_app
from lendercheck.settings import Settings
from tests.stores import fill


@pytest.fixture(scope="session")
def real(snapshot_settings: Settings) -> Iterator[TestClient]:
    """The API over the bundled snapshot of real lists, started once for every test that reads it."""
    with TestClient(create_app(snapshot_settings.model_copy(update={"index_refresh_interval": 0}))) as client:
        yield client


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    fill(engine, settings)
    with TestClient(create_app(settings)) as client:
        yield client
