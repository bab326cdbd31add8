"""Shared test fixtures: temporary stores, the real captures in ../shared, the bundled snapshot."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from lendercheck.settings import Settings
from lendercheck.snapshot import ensure_store
from lendercheck.store import create_schema, make_engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SNAPSHOT = ROOT / "data" / "snapshot"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def shared() -> Path:
    """The real captures in `../shared/fixtures` (third-party copies, read in place, never copied here)."""
    if not (SHARED / "fixtures").is_dir():
        pytest.skip(f"real captures not present: {SHARED / 'fixtures'} is missing (clone beside ../shared)")
    return SHARED / "fixtures"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings over an empty temporary data folder and SQLite file."""
    return Settings(data_dir=tmp_path / "data", database_url="", http_min_interval=0.0)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def snapshot_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A temporary data folder holding a copy of the bundled snapshot, built into SQLite once per session."""
    if not (SNAPSHOT / "records.jsonl").exists():
        pytest.skip("the bundled snapshot data/snapshot/records.jsonl is missing")
    data_dir = tmp_path_factory.mktemp("snapshot-data")
    shutil.copytree(SNAPSHOT, data_dir / "snapshot")
    settings = Settings(data_dir=data_dir, database_url="")
    ensure_store(settings).dispose()
    return settings


@pytest.fixture(scope="session")
def snapshot_engine(snapshot_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(snapshot_settings)
    yield engine
    engine.dispose()
