"""Precision and recall floors over real lists: variants of every real name must find their lender,
and names of unlicensed platforms must not come back as a licensed lender at the evidence threshold."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from lendercheck.matcher.evaluate import (
    DEFAULT_CASES,
    NFRA,
    evaluate_fixtures,
    evaluate_store,
    format_report,
    hand_cases,
)

# Every 4th generated case keeps the run to seconds; `python -m lendercheck.matcher.evaluate` runs all.
SAMPLE = 4


@pytest.fixture(scope="module")
def evaluation(request: pytest.FixtureRequest) -> tuple:
    shared = request.getfixturevalue("shared")
    if not (shared / NFRA).exists():
        pytest.skip(f"the NFRA list is missing: {shared / NFRA}")
    return evaluate_fixtures(shared, DEFAULT_CASES, SAMPLE)


@pytest.fixture(scope="module")
def shared() -> Path:
    from tests.conftest import SHARED

    if not (SHARED / "fixtures").is_dir():
        pytest.skip(f"real captures not present: {SHARED / 'fixtures'} is missing (clone beside ../shared)")
    return SHARED / "fixtures"


def test_variants_of_real_names_find_their_lender(evaluation: tuple) -> None:
    summary, outcomes, clones = evaluation
    assert summary.positives > 5000
    assert summary.recall >= 0.95, format_report(summary, outcomes, "fixtures", clones)


def test_unlicensed_names_never_come_back_licensed(evaluation: tuple) -> None:
    summary, outcomes, clones = evaluation
    assert summary.negatives > 2000
    assert summary.false_evidence_negatives == 0, format_report(summary, outcomes, "fixtures", clones)


def test_strong_answers_name_the_right_lender(evaluation: tuple) -> None:
    summary, outcomes, clones = evaluation
    assert summary.precision >= 0.99, format_report(summary, outcomes, "fixtures", clones)


def test_every_hand_written_case_passes(evaluation: tuple) -> None:
    _summary, outcomes, _clones = evaluation
    hand = {(c.query, c.category) for c in hand_cases(DEFAULT_CASES)}
    failed = [
        o.case.query for o in outcomes
        if (o.case.query, o.case.category) in hand
        and (o.strong_wrong or (o.case.expect and not (o.right and (o.top and o.top.score >= 0.85
                                                                     or o.case.category == "typo"))))
    ]
    assert failed == []


def test_bundled_snapshot_meets_the_same_floors(snapshot_engine: Engine, shared: Path) -> None:
    """Once the snapshot exists, the cases whose lender it holds must pass against the real store too."""
    summary, outcomes, clones = evaluate_store(snapshot_engine, shared, DEFAULT_CASES, SAMPLE * 2)
    report = format_report(summary, outcomes, "the bundled snapshot", clones)
    assert summary.positives > 1000, report
    assert summary.recall >= 0.95, report
    assert summary.false_evidence_negatives == 0, report
