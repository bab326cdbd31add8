"""Applying an accepted run: upsert records, link them to lenders, write change events.

The caller owns the transaction: everything here happens in the session it is given, so a run is
applied whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from hashlib import sha1

from sqlalchemy import insert
from sqlmodel import Session, col, delete, select

from lendercheck.matcher import name_key, registrable_domain
from lendercheck.models import ChangeEvent, Lender, LenderDomain, LenderName, RecordRow
from lendercheck.records import NameKind, Record, Source, SourceKind

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class ApplyResult:
    added: int = 0
    removed: int = 0
    changed: int = 0


def link_group(kind: str) -> str:
    """Warnings never merge into licensed lenders by name: a clone borrowing a real firm's name is not
    that firm, so the two stay separate lenders and the verdict weighs their matches."""
    return "warning" if kind == SourceKind.warning else "entity"


def lender_id_for(jurisdiction: str, group: str, registration: str | None, key: str) -> str:
    if registration:
        return _SLUG.sub("-", registration.lower()).strip("-")
    digest = sha1(f"{jurisdiction}|{group}|{key}".encode()).hexdigest()[:12]
    return f"{jurisdiction.lower()}-{'w' if group == 'warning' else 'n'}-{digest}"


class LenderLinker:
    """Finds the lender a record describes: by registration, else by legal-name key in its jurisdiction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_registration: dict[str, str] = {}
        self.by_key: dict[tuple[str, str, str], str] = {}
        for lender in session.exec(select(Lender)).all():
            self._remember(lender)

    def _remember(self, lender: Lender) -> None:
        if lender.registration:
            self.by_registration.setdefault(lender.registration, lender.id)
        self.by_key.setdefault((lender.jurisdiction, lender.group, lender.name_key), lender.id)

    def link(self, record: Record, source: Source) -> str:
        # Lookups here must not flush the session: with thousands of rows pending that costs minutes.
        with self.session.no_autoflush:
            return self._link(record, source)

    def _link(self, record: Record, source: Source) -> str:
        group = link_group(source.kind)
        legal_name = record.links_to or record.name
        key = name_key(legal_name)
        if record.registration and record.registration in self.by_registration:
            return self.by_registration[record.registration]
        found = self.by_key.get((source.jurisdiction, group, key))
        if found:
            return found
        registration = None if record.links_to else record.registration
        lender = Lender(
            id=lender_id_for(source.jurisdiction, group, registration, key),
            jurisdiction=source.jurisdiction,
            name=legal_name,
            name_key=key,
            group=group,
            registration=registration,
        )
        existing = self.session.get(Lender, lender.id)
        if existing is None:
            self.session.add(lender)
        else:
            lender = existing
        self._remember(lender)
        return lender.id


def apply_records(
    session: Session, source: Source, records: Sequence[Record], *, run_id: int | None, now: datetime
) -> ApplyResult:
    result = ApplyResult()
    linker = LenderLinker(session)
    existing = {row.record_id: row for row in session.exec(select(RecordRow).where(RecordRow.source_id == source.id))}
    segments = {record.segment for record in records}
    covers_all = None in segments
    run_as_of = max((r.as_of for r in records if r.as_of), default=None)
    seen: set[str] = set()
    touched: set[str] = set()

    for record in records:
        seen.add(record.record_id)
        lender_id = linker.link(record, source)
        row = existing.get(record.record_id)
        if row is None:
            row = RecordRow(source_id=source.id, record_id=record.record_id, lender_id=lender_id,
                            kind=source.kind.value, status=record.status, name=record.name,
                            source_url=record.source_url, first_seen=now)
            _event(session, row, run_id, now, record.as_of, "added", None, record.status)
            result.added += 1
        else:
            if row.removed_at is not None:
                _event(session, row, run_id, now, record.as_of, "added", row.status, record.status)
                result.added += 1
            elif (row.status, row.active, row.lending) != (record.status, record.active, record.lending):
                _event(session, row, run_id, now, record.as_of, "status_changed", row.status, record.status)
                result.changed += 1
            if row.lender_id != lender_id:
                touched.add(row.lender_id)
        _fill(row, record, lender_id, source)
        row.last_seen = now
        row.last_listed_as_of = record.as_of
        row.removed_at = None
        row.removed_as_of = None
        session.add(row)
        touched.add(lender_id)

    for record_id, row in existing.items():
        if record_id in seen or row.removed_at is not None:
            continue
        if not covers_all and row.segment not in segments:
            continue  # the run does not cover this class of lender, so its absence says nothing
        row.removed_at = now
        row.removed_as_of = run_as_of
        session.add(row)
        _event(session, row, run_id, now, run_as_of, "removed", row.status, None)
        result.removed += 1
        touched.add(row.lender_id)

    session.flush()
    rebuild_names(session, source.id)
    refresh_lenders(session, touched)
    return result


def _fill(row: RecordRow, record: Record, lender_id: str, source: Source) -> None:
    row.lender_id = lender_id
    row.kind = source.kind.value
    row.name = record.name
    row.names = [n.model_dump(mode="json", exclude_defaults=True) for n in record.names]
    row.domains = list(record.domains)
    row.app_ids = list(record.app_ids)
    row.registration = record.registration
    row.links_to = record.links_to
    row.licence_type = record.licence_type
    row.licence_number = record.licence_number
    row.lending = record.lending
    row.status = record.status
    row.active = record.active
    row.segment = record.segment
    row.as_of = record.as_of
    row.dates = dict(record.dates)
    row.fields = dict(record.fields)
    row.source_url = record.source_url
    row.retrieved_at = record.retrieved_at
    row.note = record.note


def _event(
    session: Session, row: RecordRow, run_id: int | None, now: datetime, as_of: date | None,
    kind: str, before: str | None, after: str | None,
) -> None:
    session.add(ChangeEvent(source_id=row.source_id, record_id=row.record_id, lender_id=row.lender_id,
                            run_id=run_id, kind=kind, at=now, as_of=as_of, before=before, after=after,
                            name=row.name))


def rebuild_names(session: Session, source_id: str) -> None:
    """Names and domains of a source's records, rewritten from the records themselves (bulk inserts)."""
    session.flush()
    session.exec(delete(LenderName).where(col(LenderName.source_id) == source_id))  # type: ignore[call-overload]
    session.exec(delete(LenderDomain).where(col(LenderDomain.source_id) == source_id))  # type: ignore[call-overload]
    names: list[dict[str, object]] = []
    domains: list[dict[str, object]] = []
    for row in session.exec(select(RecordRow).where(RecordRow.source_id == source_id)).all():
        names.extend(n.model_dump(exclude={"id"}) for n in names_of_record(row))
        domains.extend(d.model_dump(exclude={"id"}) for d in domains_of_record(row))
    tables = (LenderName.__table__, LenderDomain.__table__)  # type: ignore[attr-defined]
    for table, rows in zip(tables, (names, domains), strict=True):
        for start in range(0, len(rows), 5000):
            session.execute(insert(table), rows[start : start + 5000])  # type: ignore[arg-type]


def names_of_record(row: RecordRow) -> list[LenderName]:
    main_kind = NameKind.app if row.links_to else NameKind.legal
    pairs = [(row.name, main_kind.value)] + [(n["name"], n["kind"]) for n in row.names]
    seen: set[tuple[str, str]] = set()
    names = []
    for name, kind in pairs:
        if name and (name, kind) not in seen:
            seen.add((name, kind))
            names.append(LenderName(lender_id=row.lender_id, name=name, kind=kind,
                                    source_id=row.source_id, record_id=row.record_id))
    return names


def domains_of_record(row: RecordRow) -> list[LenderDomain]:
    found: list[LenderDomain] = []
    seen: set[str] = set()
    for text in row.domains:
        domain = registrable_domain(text)
        if domain and domain not in seen:
            seen.add(domain)
            found.append(LenderDomain(lender_id=row.lender_id, domain=domain, kind="domain",
                                      source_id=row.source_id, record_id=row.record_id))
    for app_id in row.app_ids:
        if app_id and app_id not in seen:
            seen.add(app_id)
            found.append(LenderDomain(lender_id=row.lender_id, domain=app_id.lower(), kind="app_id",
                                      source_id=row.source_id, record_id=row.record_id))
    return found


def refresh_lenders(session: Session, lender_ids: set[str]) -> None:
    """A lender's display name follows its newest legal-name record; lenders left with no record go."""
    if not lender_ids:
        return
    session.flush()
    rows = session.exec(select(RecordRow).where(col(RecordRow.lender_id).in_(lender_ids))).all()
    newest: dict[str, RecordRow] = {}
    for row in rows:
        if row.links_to:
            continue
        current = newest.get(row.lender_id)
        if current is None or _recency(row) > _recency(current):
            newest[row.lender_id] = row
    for lender_id in lender_ids:
        lender = session.get(Lender, lender_id)
        if lender is None:
            continue
        if lender_id in newest:
            lender.name = newest[lender_id].name
            session.add(lender)
        elif not any(row.lender_id == lender_id for row in rows):
            session.delete(lender)


def _recency(row: RecordRow) -> tuple[bool, date, str]:
    return (row.removed_at is None, row.as_of or date.min, row.source_id)
