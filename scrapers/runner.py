"""One runner for every source: fetch, archive, parse, validate, then apply in one transaction."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType

import httpx
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from lendercheck.history import apply_records
from lendercheck.models import RawResponseRow, RecordRow, ScrapeRun, SourceRow
from lendercheck.records import ParseError, RawResponse, Record, Source
from lendercheck.settings import Settings
from lendercheck.store import bump_data_version, session_scope, upsert_source, utcnow
from scrapers.base import SourceModule, SourceSkipped, parse_all

log = logging.getLogger(__name__)

# Per-class shrink checks only make sense where a class is big enough for its count to be stable.
SEGMENT_CHECK_FLOOR = 50
_EXTENSIONS = {"pdf": ".pdf", "json": ".json", "html": ".html", "csv": ".csv", "sheet": ".xlsx", "xml": ".xml"}


@dataclass
class RunReport:
    source_id: str
    state: str  # accepted | rejected | failed | skipped
    reason: str = ""
    fetched: int = 0
    parsed: int = 0
    added: int = 0
    removed: int = 0
    changed: int = 0
    run_id: int | None = None


def run_source(
    module: ModuleType | SourceModule, engine: Engine, settings: Settings, client: httpx.Client
) -> RunReport:
    source: Source = module.SOURCE
    try:
        raws = module.fetch(client)
    except SourceSkipped as skipped:
        return _mark_source(engine, source, "skipped", str(skipped))
    except (httpx.HTTPError, ParseError) as error:
        failure = error  # the except block unbinds its name; the parse step re-raises it inside the run
        return ingest(engine, settings, source, [], lambda: _raise(failure))
    return ingest(engine, settings, source, raws, lambda: parse_all(module, raws))


def _raise(error: Exception) -> list[Record]:
    raise error


def ingest(
    engine: Engine,
    settings: Settings,
    source: Source,
    raws: Sequence[RawResponse],
    parse: Callable[[], list[Record]],
    now: datetime | None = None,
) -> RunReport:
    """Archive the raw responses, parse them, and apply the records only if the run passes every check."""
    now = now or utcnow()
    with session_scope(engine) as session:
        upsert_source(session, source)
        run = ScrapeRun(source_id=source.id, started_at=now, fetched=len(raws))
        session.add(run)
        session.commit()
        assert run.id is not None
        report = RunReport(source.id, "running", fetched=len(raws), run_id=run.id)
        _archive(session, settings, source, run.id, raws)
        session.commit()

        try:
            records = parse()
            reason = validate(session, source, records)
        except (ParseError, ValidationError, httpx.HTTPError) as error:
            records, reason = [], f"{type(error).__name__}: {error}"
            report.state = "failed"
        report.parsed = len(records)

        row = session.get(SourceRow, source.id)
        assert row is not None
        row.last_attempt = now
        if reason:
            report.state = report.state if report.state == "failed" else "rejected"
            report.reason = reason
            row.state, row.state_reason = report.state, reason
            log.warning("run rejected", extra={"source": source.id, "reason": reason})
        else:
            applied = apply_records(session, source, records, run_id=run.id, now=now)
            report.state = "accepted"
            report.added, report.removed, report.changed = applied.added, applied.removed, applied.changed
            row.state, row.state_reason = "ok", ""
            row.last_success = now
            row.retrieved_at = max((r.retrieved_at for r in records), default=now)
            row.record_count = _listed_count(session, source.id)
            bump_data_version(session, f"{source.id}#{run.id}")
        session.add(row)
        run.state, run.reason, run.parsed = report.state, report.reason, report.parsed
        run.added, run.removed, run.changed = report.added, report.removed, report.changed
        run.finished_at = utcnow()
        session.add(run)
        session.commit()
    return report


def validate(session: Session, source: Source, records: Sequence[Record]) -> str:
    """The reason to reject this run, or '' to accept it."""
    if len(records) < source.min_records:
        return f"{len(records)} records, fewer than the minimum of {source.min_records}"
    wrong = {r.source_id for r in records} - {source.id}
    if wrong:
        return f"records claim other sources: {sorted(wrong)}"
    duplicates = [rid for rid, n in Counter(r.record_id for r in records).items() if n > 1]
    if duplicates:
        return f"{len(duplicates)} record ids repeat, e.g. {duplicates[:3]}"

    previous = Counter(
        session.exec(
            select(RecordRow.segment).where(RecordRow.source_id == source.id, RecordRow.removed_at == None)  # noqa: E711
        ).all()
    )
    segments = {r.segment for r in records}
    current = Counter(r.segment for r in records)
    covered_before = sum(n for seg, n in previous.items() if None in segments or seg in segments)
    floor = source.min_share_of_previous
    if covered_before and len(records) < floor * covered_before:
        return f"{len(records)} records, below {floor:.0%} of the previous {covered_before}"
    for segment, before in previous.items():
        if segment is None or segment not in segments or before < SEGMENT_CHECK_FLOOR:
            continue
        if current[segment] < floor * before:
            return f"{segment}: {current[segment]} records, below {floor:.0%} of the previous {before}"
    return ""


def _listed_count(session: Session, source_id: str) -> int:
    return len(
        session.exec(
            select(RecordRow.id).where(RecordRow.source_id == source_id, RecordRow.removed_at == None)  # noqa: E711
        ).all()
    )


def _archive(session: Session, settings: Settings, source: Source, run_id: int, raws: Sequence[RawResponse]) -> None:
    folder = settings.raw_dir / source.id / str(run_id)
    for number, raw in enumerate(raws, start=1):
        folder.mkdir(parents=True, exist_ok=True)
        label = re.sub(r"[^A-Za-z0-9._-]+", "-", raw.label)[:60].strip("-")
        path = folder / f"{number:04d}{'-' + label if label else ''}{_extension(raw)}"
        path.write_bytes(raw.content)
        session.add(
            RawResponseRow(
                run_id=run_id, url=raw.url, status=raw.status, sha256=hashlib.sha256(raw.content).hexdigest(),
                size=len(raw.content), content_type=raw.content_type, label=raw.label,
                retrieved_at=raw.retrieved_at, path=str(_relative(path, settings.data_dir)),
            )
        )


def _extension(raw: RawResponse) -> str:
    kind = raw.content_type.lower()
    for key, extension in _EXTENSIONS.items():
        if key in kind:
            return extension
    return Path(raw.url.split("?")[0]).suffix[:6] or ".bin"


def _relative(path: Path, base: Path) -> Path:
    try:
        return path.relative_to(base)
    except ValueError:
        return path


def _mark_source(engine: Engine, source: Source, state: str, reason: str) -> RunReport:
    with session_scope(engine) as session:
        row = upsert_source(session, source)
        row.last_attempt = utcnow()
        row.state, row.state_reason = state, reason
        session.add(row)
        session.commit()
    return RunReport(source.id, state, reason)
