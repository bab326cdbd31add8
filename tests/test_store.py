"""The store and the runner, on SQLite and on PostgreSQL: what a run may and may not change."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import create_engine, select

from lendercheck.models import ChangeEvent, Lender, RawResponseRow, RecordRow, ScrapeRun, SourceRow
from lendercheck.records import ParseError
from lendercheck.settings import Settings
from lendercheck.snapshot import export_snapshot, load_snapshot
from lendercheck.store import create_schema, make_engine, session_scope
from scrapers.runner import ingest
from tests.stores import DECEMBER, JUNE, LICENCES, ROWS, fill, licence_records, pdf_raw

POSTGRES_URL = os.environ.get("LENDERCHECK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throwaway database on the PostgreSQL server, dropped afterwards: no shared data is touched."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"lendercheck_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means: skip
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}")
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, settings: Settings) -> Iterator[tuple[Engine, Settings]]:
    if request.param == "postgresql":
        settings = settings.model_copy(update={"database_url": request.getfixturevalue("postgres_url")})
    engine = make_engine(settings)
    create_schema(engine)
    yield engine, settings
    engine.dispose()


def records_by_id(engine: Engine) -> dict[str, RecordRow]:
    with session_scope(engine) as session:
        return {r.record_id: r for r in session.exec(select(RecordRow)).all()}


def test_good_run_is_accepted_and_links_records_to_lenders(store: tuple[Engine, Settings]) -> None:
    engine, settings = store
    june = licence_records(ROWS, date(2025, 6, 30), JUNE)
    report = ingest(engine, settings, LICENCES, pdf_raw(), lambda: june, now=JUNE)
    assert (report.state, report.added) == ("accepted", 4)
    rows = records_by_id(engine)
    assert rows["X0007H244030001"].lender_id == "cn-nfra-x0007h244030001"
    with session_scope(engine) as session:
        assert session.get(Lender, "cn-nfra-x0007h244030001").name == "招联消费金融股份有限公司"  # type: ignore[union-attr]
        assert session.get(SourceRow, LICENCES.id).record_count == 4  # type: ignore[union-attr]


def test_history_marks_the_absent_lender_removed_with_an_event(store: tuple[Engine, Settings]) -> None:
    engine, settings = store
    reports = fill(engine, settings)
    assert [r.state for r in reports] == ["accepted"] * 3
    gone = records_by_id(engine)["B1043H365400001"]
    assert gone.removed_as_of == date(2025, 12, 31)
    with session_scope(engine) as session:
        events = session.exec(select(ChangeEvent).where(ChangeEvent.record_id == "B1043H365400001")).all()
        assert [e.kind for e in events] == ["added", "removed"]


@pytest.mark.parametrize(
    ("case", "parse"),
    [
        ("an error page", lambda: (_ for _ in ()).throw(ParseError("HTML error page instead of a PDF"))),
        ("an empty list", lambda: []),
        ("a shrunken list", lambda: licence_records(ROWS[:1], date(2025, 12, 31), DECEMBER)),
    ],
)
def test_bad_run_is_rejected_and_changes_no_record(store: tuple[Engine, Settings], case: str, parse) -> None:  # type: ignore[no-untyped-def]
    engine, settings = store
    june = licence_records(ROWS, date(2025, 6, 30), JUNE)
    ingest(engine, settings, LICENCES, pdf_raw(), lambda: june, now=JUNE)
    before = {k: (r.status, r.removed_at, r.last_seen) for k, r in records_by_id(engine).items()}

    report = ingest(engine, settings, LICENCES, pdf_raw(), parse, now=DECEMBER)

    assert report.state in ("rejected", "failed"), case
    assert {k: (r.status, r.removed_at, r.last_seen) for k, r in records_by_id(engine).items()} == before
    with session_scope(engine) as session:
        runs = session.exec(select(ScrapeRun)).all()
        assert [r.state for r in runs][-1] == report.state and runs[-1].reason
        assert session.get(SourceRow, LICENCES.id).record_count == 4  # type: ignore[union-attr]


def test_status_change_writes_a_change_event(store: tuple[Engine, Settings]) -> None:
    engine, settings = store
    june = licence_records(ROWS, date(2025, 6, 30), JUNE)
    ingest(engine, settings, LICENCES, pdf_raw(), lambda: june, now=JUNE)
    changed = licence_records(ROWS, date(2025, 12, 31), DECEMBER)
    changed[0] = changed[0].model_copy(update={"status": "revoked", "active": False})
    report = ingest(engine, settings, LICENCES, pdf_raw(), lambda: changed, now=DECEMBER)
    assert report.changed == 1
    with session_scope(engine) as session:
        event = session.exec(select(ChangeEvent).where(ChangeEvent.kind == "status_changed")).one()
        assert (event.record_id, event.before, event.after) == ("X0007H244030001", "listed", "revoked")


def test_a_list_of_some_classes_never_removes_the_classes_it_does_not_cover(
    store: tuple[Engine, Settings],
) -> None:
    engine, settings = store
    june = licence_records(ROWS, date(2025, 6, 30), JUNE)
    ingest(engine, settings, LICENCES, pdf_raw(), lambda: june, now=JUNE)
    banks_only = [r for r in licence_records(ROWS, date(2025, 12, 31), DECEMBER) if r.segment == "城市商业银行"]
    ingest(engine, settings, LICENCES, pdf_raw(), lambda: banks_only, now=DECEMBER)
    rows = records_by_id(engine)
    assert rows["X0007H244030001"].removed_at is None
    assert rows["X0007H244030001"].as_of == date(2025, 6, 30)


def test_raw_responses_are_archived_with_their_hash(store: tuple[Engine, Settings]) -> None:
    engine, settings = store
    june = licence_records(ROWS, date(2025, 6, 30), JUNE)
    ingest(engine, settings, LICENCES, pdf_raw(), lambda: june, now=JUNE)
    with session_scope(engine) as session:
        raw = session.exec(select(RawResponseRow)).one()
    assert (settings.data_dir / raw.path).read_bytes() == b"%PDF-1.7 test"
    assert raw.path.endswith(".pdf") and len(raw.sha256) == 64


def test_snapshot_round_trip_keeps_records_history_and_events(store: tuple[Engine, Settings], tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine, settings = store
    fill(engine, settings)
    with session_scope(engine) as session:
        version = export_snapshot(session, tmp_path / "snap")
    lines = [json.loads(line) for line in (tmp_path / "snap" / "records.jsonl").read_text("utf-8").splitlines()]
    keys = [(row["source_id"], row["record_id"]) for row in lines]
    assert keys == sorted(keys) and len(keys) == 5

    other = make_engine(Settings(data_dir=tmp_path / "other"))
    create_schema(other)
    with session_scope(other) as session:
        assert load_snapshot(session, tmp_path / "snap") == version
        session.commit()
    gone = records_by_id(other)["B1043H365400001"]
    assert gone.removed_as_of == date(2025, 12, 31)
    assert gone.retrieved_at is not None and gone.retrieved_at.replace(tzinfo=UTC) == JUNE
    other.dispose()
