"""Verdict words from evidence only, as DESIGN.md defines them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.language import language
from lendercheck.answers import MatchOut, Verdict
from lendercheck.coverage import jurisdiction_of_domain
from lendercheck.models import RecordRow
from lendercheck.verdict import decide, lender_verdict

GONE = datetime(2026, 9, 27, tzinfo=UTC)


def row(kind: str = "licence", active: bool = True, removed: bool = False, lending: bool = True) -> RecordRow:
    return RecordRow(source_id="s", record_id="r", lender_id="l", kind=kind, name="n", status="listed",
                     active=active, lending=lending, removed_at=GONE if removed else None, source_url="https://x")


@pytest.mark.parametrize(
    ("records", "verdict"),
    [
        ([row()], Verdict.licensed),
        ([row(kind="alias")], Verdict.licensed),
        ([row(removed=True)], Verdict.formerly_licensed),
        ([row(active=False)], Verdict.formerly_licensed),
        ([row(removed=True), row()], Verdict.licensed),
        ([row(), row(kind="warning")], Verdict.warning),
        ([row(kind="warning", removed=True)], Verdict.not_found),
        ([row(lending=False)], Verdict.registered_only),
        ([row(kind="registry")], Verdict.registered_only),
        ([], Verdict.not_found),
    ],
)
def test_a_lenders_records_decide_its_verdict(records: list[RecordRow], verdict: Verdict) -> None:
    assert lender_verdict(records) == verdict


def match(lender_id: str, score: float, verdict: Verdict) -> MatchOut:
    return MatchOut(lender_id=lender_id, lender_name=lender_id, jurisdiction="ID", score=score, how="exact_name",
                    query_form="q", candidate_form="c", matched_name="c", matched_name_kind="legal",
                    verdict=verdict, evidence=[])


def test_a_warning_that_matches_as_well_as_a_licence_wins() -> None:
    verdict, best = decide([match("real", 1.0, Verdict.licensed), match("clone", 1.0, Verdict.warning)], 0.85)
    assert (verdict, best and best.lender_id) == (Verdict.warning, "clone")


def test_a_weaker_warning_does_not_override_a_licence() -> None:
    verdict, _ = decide([match("real", 1.0, Verdict.licensed), match("clone", 0.9, Verdict.warning)], 0.85)
    assert verdict == Verdict.licensed


def test_matches_below_the_threshold_are_not_evidence() -> None:
    assert decide([match("near", 0.8, Verdict.licensed)], 0.85) == (Verdict.not_found, None)


@pytest.mark.parametrize(
    ("header", "lang"),
    [("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en-GB,en;q=0.9", "en"), ("fr-FR, zh;q=0.5", "zh"),
     ("en;q=0.3, zh-TW;q=0.8", "zh"), ("", "en"), (None, "en"), ("de", "en")],
)
def test_summary_language_follows_accept_language(header: str | None, lang: str) -> None:
    assert language(header) == lang


@pytest.mark.parametrize(
    ("text", "code"),
    [("https://www.adakami.id/", "ID"), ("kredit.co.id", "ID"), ("example.co.uk", "GB"), ("bank.cn", "CN"),
     ("example.com", None), ("not a domain", None)],
)
def test_country_is_read_from_a_country_domain(text: str, code: str | None) -> None:
    assert jurisdiction_of_domain(text) == code


def test_a_name_cut_from_a_warned_apps_title_does_not_beat_the_published_licence_name() -> None:
    clone = match("clone", 1.0, Verdict.warning).model_copy(update={"derived_name": True})
    verdict, best = decide([clone, match("real", 1.0, Verdict.licensed)], 0.85)
    assert (verdict, best and best.lender_id) == (Verdict.licensed, "real")
