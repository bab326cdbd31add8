"""From a query to a verdict with evidence: the one function the API and the CLI call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from rapidfuzz import fuzz
from sqlmodel import Session

from lendercheck.answers import Evidence, LookupAnswer, MatchOut, QueryOut, SourceChecked, Verdict
from lendercheck.coverage import coverage, jurisdiction_of_domain
from lendercheck.matcher import Match, MatchIndex, QueryForms, name_key, registrable_domain
from lendercheck.models import Lender, RecordRow, SourceRow
from lendercheck.store import as_utc, data_version, lenders_by_id, list_sources, records_of

LICENSING_KINDS = ("licence", "alias")
# Records shown per match; `/lenders/{id}` has them all.
MAX_EVIDENCE = 5


def lender_verdict(records: Sequence[RecordRow]) -> Verdict:
    """What one lender's records say, from evidence only."""
    live = [r for r in records if r.removed_at is None and r.active]
    if any(r.kind == "warning" for r in live):
        return Verdict.warning
    if any(r.kind in LICENSING_KINDS and r.lending for r in live):
        return Verdict.licensed
    if any(r.kind in LICENSING_KINDS and r.lending for r in records):
        return Verdict.formerly_licensed
    if any(r.kind in LICENSING_KINDS or r.kind == "registry" for r in live):
        return Verdict.registered_only
    return Verdict.not_found


def _evidence_order(record: RecordRow) -> tuple[int, int, str]:
    live = record.removed_at is None and record.active
    return (0 if record.kind == "warning" else 1, 0 if live else 1, record.source_id)


def evidence_of(record: RecordRow, sources: dict[str, SourceRow]) -> Evidence:
    source = sources.get(record.source_id)
    return Evidence(
        source_id=record.source_id,
        source_name=source.name if source else record.source_id,
        regulator=source.regulator if source else "",
        jurisdiction=source.jurisdiction if source else "",
        kind=record.kind,
        record_id=record.record_id,
        name=record.name,
        licence_type=record.licence_type,
        licence_number=record.licence_number,
        lending=record.lending,
        status=record.status,
        listed=record.removed_at is None,
        as_of=record.last_listed_as_of or record.as_of,
        removed_as_of=record.removed_as_of,
        dates=record.dates,
        links_to=record.links_to,
        source_url=record.source_url,
        retrieved_at=as_utc(record.retrieved_at),
        note=record.note,
    )


def lookup(
    index: MatchIndex,
    session: Session,
    *,
    name: str | None = None,
    domain: str | None = None,
    url: str | None = None,
    jurisdiction: str | None = None,
    limit: int = 10,
    lang: str = "en",
    min_score: float = 0.6,
    threshold: float = 0.85,
    sources_cache: Sequence[SourceRow] | None = None,
    version: str | None = None,
) -> LookupAnswer:
    """`sources_cache` and `version`, when given, are what the caller already read for this data version."""
    by = "name" if name else "domain" if domain else "url"
    text = name or domain or url or ""
    forms, found = index.lookup(name=name, domain=domain or url, jurisdiction=jurisdiction, limit=limit)
    found = [m for m in found if m.score >= min_score]

    records = records_of(session, (m.lender_id for m in found))
    lenders = lenders_by_id(session, records)
    all_sources = list(sources_cache) if sources_cache is not None else list_sources(session)
    sources = {s.id: s for s in all_sources}
    matches = rank_ties([_match_out(m, lenders, records[m.lender_id], sources) for m in found], text)

    verdict, best = decide(matches, threshold)
    evidence = [e for e in best.evidence if _supports(e, verdict)] if best else []
    cautions = [m for m in matches if m.score >= threshold and m.verdict == Verdict.warning and m is not best]
    if verdict == Verdict.warning:
        cautions = []
    place = jurisdiction or (jurisdiction_of_domain(text) if by != "name" else None)
    checked = [s for s in all_sources if place is None or s.jurisdiction == place]
    cover = coverage(all_sources, place, lang)
    return LookupAnswer(
        verdict=verdict,
        summary=summarize(verdict, text, best, evidence, checked, cover.statement, lang, cautions),
        query=QueryOut(
            text=text, by=by, jurisdiction=jurisdiction,
            normalized={k: v for k, v in _forms(forms).items() if v},
        ),
        best=best,
        matches=matches,
        evidence=evidence,
        cautions=cautions,
        sources_checked=[source_out(s) for s in checked],
        coverage=cover,
        data_version=version if version is not None else data_version(session),
    )


def rank_ties(matches: list[MatchOut], text: str) -> list[MatchOut]:
    """Equal scores (an app that several regulated entities list as theirs) put first the lender whose
    own name is closest to what was asked: usually the app's own company."""
    query = name_key(text)
    return sorted(matches, key=lambda m: (-m.score, -fuzz.ratio(query, name_key(m.lender_name))))


def decide(matches: Sequence[MatchOut], threshold: float) -> tuple[Verdict, MatchOut | None]:
    """The verdict of the best strong match; a warning wins when it matches at least as well, since
    clones borrow real firms' names. A tie on a name we cut from a warning's app title ("Kredit Pintar"
    from "Kredit Pintar - Pinjaman Uang …") is not as good as the regulator's own published name: the
    licence decides, and the warning stays in the answer as a caution."""
    strong = [m for m in matches if m.score >= threshold and m.verdict != Verdict.not_found]
    if not strong:
        return Verdict.not_found, None
    warnings = [m for m in strong if m.verdict == Verdict.warning]
    others = [m for m in strong if m.verdict != Verdict.warning]
    if warnings and (not others or _strength(warnings[0]) >= _strength(others[0])):
        return Verdict.warning, warnings[0]
    return others[0].verdict, others[0]


def _strength(match: MatchOut) -> tuple[float, bool]:
    return (match.score, not match.derived_name)


def _supports(evidence: Evidence, verdict: Verdict) -> bool:
    if verdict == Verdict.warning:
        return evidence.kind == "warning"
    if verdict in (Verdict.licensed, Verdict.formerly_licensed):
        return evidence.kind in LICENSING_KINDS
    return True


def _match_out(
    match: Match, lenders: dict[str, Lender], records: list[RecordRow], sources: dict[str, SourceRow]
) -> MatchOut:
    lender = lenders.get(match.lender_id)
    relevant = [r for r in records if _about_the_match(r, match)]
    ordered = sorted(relevant, key=_evidence_order)[:MAX_EVIDENCE]
    derived = any(n.get("derived") and n.get("name") == match.candidate for r in records for n in r.names)
    return MatchOut(
        lender_id=match.lender_id,
        lender_name=lender.name if lender else match.candidate,
        jurisdiction=lender.jurisdiction if lender else "",
        score=round(min(max(match.score, 0.0), 1.0), 3),
        how=match.method,
        query_form=match.query_form,
        candidate_form=match.candidate_form,
        matched_name=match.candidate,
        matched_name_kind=match.candidate_kind,
        derived_name=derived,
        verdict=lender_verdict(records),
        evidence=[evidence_of(r, sources) for r in ordered],
        evidence_total=len(relevant),
    )


def _about_the_match(record: RecordRow, match: Match) -> bool:
    """An entity's own records always count; of its app rows (one lender may list dozens of apps) only
    the one the query matched, so answers stay small enough for a browser extension."""
    if record.kind != "alias":
        return True
    if match.candidate in (record.name, *(n.get("name") for n in record.names), *record.app_ids):
        return True
    return any(registrable_domain(d) == match.candidate for d in record.domains)


def _forms(forms: QueryForms) -> dict[str, str]:
    plain = {k: v for k, v in asdict(forms).items() if isinstance(v, str)}
    plain.update(forms.extra)
    return plain


def source_out(source: SourceRow) -> SourceChecked:
    return SourceChecked(
        id=source.id, name=source.name, regulator=source.regulator, jurisdiction=source.jurisdiction,
        kind=source.kind, url=source.url, covers=source.covers, on_demand=source.on_demand,
        retrieved_at=as_utc(source.retrieved_at), last_attempt=as_utc(source.last_attempt),
        last_success=as_utc(source.last_success), record_count=source.record_count, state=source.state,
        state_reason=source.state_reason,
    )


def summarize(
    verdict: Verdict, text: str, best: MatchOut | None, evidence: Sequence[Evidence],
    checked: Sequence[SourceRow], coverage_statement: str, lang: str, cautions: Sequence[MatchOut] = (),
) -> str:
    sentence = _summary(verdict, text, best, evidence, checked, coverage_statement, lang)
    if not cautions:
        return sentence
    first = cautions[0]
    regulator = first.evidence[0].regulator if first.evidence else ""
    if lang == "zh":
        return (f"{sentence} 注意：{regulator}的警示名单列有一个使用此名称的应用“{first.lender_name}”，"
                "请核对应用的开发者和网址。")
    return (f"{sentence} Caution: {regulator}'s warning list names an app using this name, “{first.lender_name}”; "
            "check the app's developer and web address.")


def _summary(
    verdict: Verdict, text: str, best: MatchOut | None, evidence: Sequence[Evidence],
    checked: Sequence[SourceRow], coverage_statement: str, lang: str,
) -> str:
    zh = lang == "zh"
    if best is None or not evidence:
        names = ("、" if zh else ", ").join(s.name for s in checked) or ("无" if zh else "none")
        if zh:
            return (f"在已查询的 {len(checked)} 个名单（{names}）中没有找到与“{text}”相符的机构。"
                    f"这并不说明它安全或违法。{coverage_statement}")
        return (f"Nothing matching “{text}” was found in the {len(checked)} lists checked ({names}). "
                f"This does not mean it is safe, nor that it is illegal. {coverage_statement}")
    first = evidence[0]
    who = best.lender_name
    via = ""
    if best.matched_name != who and best.how != "domain":
        via = f"（“{best.matched_name}”）" if zh else f" (as “{best.matched_name}”)"
    elif best.how == "domain":
        via = f"（域名 {best.candidate_form}）" if zh else f" (domain {best.candidate_form})"
    what = " ".join(x for x in (first.licence_type, first.licence_number) if x)
    when = first.retrieved_at.date().isoformat() if first.retrieved_at else "?"
    if verdict == Verdict.licensed:
        if zh:
            return f"{who}{via}列于{first.regulator}的《{first.source_name}》中（{what}），数据获取于 {when}。"
        return f"{who}{via} is listed by {first.regulator} in “{first.source_name}” ({what}), retrieved {when}."
    if verdict == Verdict.formerly_licensed:
        before, after = first.as_of or "?", first.removed_as_of or "?"
        if zh:
            return (f"{who}{via}曾列于{first.regulator}的名单（截至 {before}），但在截至 {after} 的名单中已不再列出；"
                    "不再列出不一定是吊销（合并也会使机构从名单中消失）。")
        return (f"{who}{via} was listed by {first.regulator} (list as of {before}) but is no longer listed "
                f"(list as of {after}); no longer listed is not necessarily revoked, mergers also remove names.")
    if verdict == Verdict.warning:
        if zh:
            return f"{who}{via}被列入{first.regulator}的警示名单《{first.source_name}》（{first.status}）。"
        return f"{who}{via} is named on {first.regulator}'s warning list “{first.source_name}” ({first.status})."
    if zh:
        return f"{who}{via}在{first.regulator}有记录（{what or first.status}），但未找到放贷许可。"
    return f"{who}{via} is on record with {first.regulator} ({what or first.status}), but no licence to lend was found."
