"""The bundled snapshot: sorted JSONL under `data/snapshot/`, loaded into the store on first start.

Files: `sources.jsonl`, `lenders.jsonl`, `records.jsonl`, `events.jsonl`, one object per line, sorted,
so every change to the data shows in a diff. `lendercheck snapshot build` writes them (see README).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Table, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from lendercheck.history import rebuild_names
from lendercheck.models import ChangeEvent, Lender, RecordRow, SourceRow
from lendercheck.settings import Settings
from lendercheck.store import (
    DATA_VERSION,
    clear_all,
    create_schema,
    get_meta,
    has_records,
    make_engine,
    session_scope,
    set_meta,
)

log = logging.getLogger(__name__)

SNAPSHOT_VERSION = "snapshot_version"
FILES: dict[str, type[SQLModel]] = {
    "sources.jsonl": SourceRow,
    "lenders.jsonl": Lender,
    "records.jsonl": RecordRow,
    "events.jsonl": ChangeEvent,
}
# Local row numbers and run ids mean nothing outside the store that made them.
_LOCAL_FIELDS = {"id", "run_id"}
_SORT_KEYS = {
    "sources.jsonl": ("id",),
    "lenders.jsonl": ("id",),
    "records.jsonl": ("source_id", "record_id"),
    "events.jsonl": ("source_id", "at", "record_id", "kind"),
}


def snapshot_version(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in FILES:
        path = folder / name
        if path.exists():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def export_snapshot(session: Session, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for name, model in FILES.items():
        rows = [_plain(row) for row in session.exec(select(model)).all()]
        if name == "sources.jsonl":
            for row in rows:
                row.pop("state_reason", None)
        keys = _SORT_KEYS[name]
        rows.sort(key=lambda row: tuple(str(row.get(k) or "") for k in keys))
        with (folder / name).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return snapshot_version(folder)


def _plain(row: SQLModel) -> dict[str, Any]:
    local = _LOCAL_FIELDS if isinstance(getattr(row, "id", None), int | None) else _LOCAL_FIELDS - {"id"}
    return row.model_dump(mode="json", exclude=local)


def load_snapshot(session: Session, folder: Path) -> str:
    """Replace the store's content with the snapshot's (bulk inserts: the ORM would take a minute)."""
    clear_all(session)
    for name, model in FILES.items():
        path = folder / name
        if not path.exists():
            continue
        table = model.__table__  # type: ignore[attr-defined]
        with path.open(encoding="utf-8") as lines:
            rows = (_revive(json.loads(line), table) for line in lines if line.strip())
            for chunk in _chunks(rows, 2000):
                session.execute(insert(table), chunk)
    for source_id in session.exec(select(SourceRow.id)).all():
        rebuild_names(session, source_id)
    version = snapshot_version(folder)
    set_meta(session, SNAPSHOT_VERSION, version)
    set_meta(session, DATA_VERSION, version)
    return version


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _revive(data: dict[str, Any], table: Table) -> dict[str, Any]:
    """JSON strings back to the column types; a column the snapshot lacks gets its default."""
    row: dict[str, Any] = {}
    for column in table.columns:
        value = data.get(column.name)
        if value is None and column.name not in data:
            if column.primary_key and column.autoincrement is not False and column.name == "id":
                continue
            default = getattr(column.default, "arg", None)
            value = None if callable(default) else default
        elif isinstance(value, str) and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        row[column.name] = value
    return row


# Any fixed number: the PostgreSQL advisory lock that one replica holds while it fills the store.
_PG_BUILD_LOCK = 7_310_420


@contextmanager
def _build_lock(settings: Settings, engine: Engine) -> Iterator[None]:
    """Several workers or replicas may start at once; one builds, the others wait and find it built."""
    if not settings.is_sqlite:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_BUILD_LOCK})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_BUILD_LOCK})
                conn.commit()
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with (settings.data_dir / ".build.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_store(settings: Settings, engine: Engine | None = None) -> Engine:
    """Open the store; fill it from the bundled snapshot when it is empty, or when a SQLite store that
    was built from an older snapshot (and never scraped since) meets a newer one."""
    engine = engine or make_engine(settings)
    folder = settings.snapshot_dir
    with _build_lock(settings, engine):
        create_schema(engine)
        with session_scope(engine) as session:
            shipped = snapshot_version(folder)
            loaded = get_meta(session, SNAPSHOT_VERSION)
            untouched = loaded is not None and get_meta(session, DATA_VERSION) == loaded
            stale = settings.is_sqlite and untouched and loaded != shipped
            if (not has_records(session) or stale) and (folder / "records.jsonl").exists():
                log.info("loading snapshot", extra={"folder": str(folder), "version": shipped})
                load_snapshot(session, folder)
                session.commit()
    return engine
