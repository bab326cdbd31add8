"""First start: the store fills itself from the bundled snapshot, once, even with several workers."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlmodel import select

from lendercheck.models import RecordRow
from lendercheck.settings import Settings
from lendercheck.snapshot import ensure_store, export_snapshot
from lendercheck.store import data_version, make_engine, session_scope
from tests.stores import fill


def write_snapshot(settings: Settings, folder: Path) -> str:
    engine = make_engine(settings)
    from lendercheck.store import create_schema

    create_schema(engine)
    fill(engine, settings)
    with session_scope(engine) as session:
        version = export_snapshot(session, folder)
    engine.dispose()
    return version


def test_a_fresh_store_is_built_from_the_snapshot_by_one_of_several_workers(tmp_path: Path) -> None:
    version = write_snapshot(Settings(data_dir=tmp_path / "build"), tmp_path / "fresh" / "snapshot")
    settings = Settings(data_dir=tmp_path / "fresh")
    with ThreadPoolExecutor(4) as pool:
        engines = list(pool.map(lambda _: ensure_store(settings), range(4)))
    with session_scope(engines[0]) as session:
        assert len(session.exec(select(RecordRow)).all()) == 5
        assert data_version(session) == version
    for engine in engines:
        engine.dispose()


def test_a_newer_snapshot_replaces_a_store_built_from_an_older_one(tmp_path: Path) -> None:
    write_snapshot(Settings(data_dir=tmp_path / "build"), tmp_path / "fresh" / "snapshot")
    settings = Settings(data_dir=tmp_path / "fresh")
    ensure_store(settings).dispose()
    records = settings.snapshot_dir / "records.jsonl"
    lines = records.read_text("utf-8").splitlines()
    records.write_text("\n".join(lines[1:]) + "\n", "utf-8")
    engine = ensure_store(settings)
    with session_scope(engine) as session:
        assert len(session.exec(select(RecordRow)).all()) == 4
    engine.dispose()
    shutil.rmtree(tmp_path / "fresh")
