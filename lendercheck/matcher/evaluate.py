"""How well the matcher finds real lenders, and how often it claims one that is not there.

The evaluation index is built from real regulator lists: the bundled snapshot when it exists, else
the captures in `../shared/fixtures` read in place (NFRA 法人名单 2025-06-30, OJK licensed P2P
lenders, RBI digital-lending-app directory). The cases are variants of real names generated from
those files (legal names, names without the company form, traditional characters, without the
leading region, English names in full-width, one character dropped, app names, websites, Play
Store links) plus a hand-written table (`tests/matcher/eval_cases.yml`) of real brand, pinyin, typo
and must-not-match cases. Negative cases are names of lenders that hold no licence in these lists:
the hand-written ones, platforms on 网贷天眼's problem-platform list, and apps on Indonesia's Satgas
PASTI illegal-lending list.

Run: `python -m lendercheck.matcher.evaluate [--shared PATH] [--cases PATH] [--sample N]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import opencc
import yaml
from sqlalchemy.engine import Engine

from lendercheck.matcher.domains import registrable_domain
from lendercheck.matcher.index import IndexEntry, Match, MatchIndex
from lendercheck.matcher.names import name_key, normalize_name, split_region, strip_cn_forms

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = ROOT.parent / "shared" / "fixtures"
DEFAULT_CASES = ROOT / "tests" / "matcher" / "eval_cases.yml"

THRESHOLD = 0.85
MIN_SCORE = 0.6

NFRA = Path("cn/nfra-legal-entities-2025-06-30/licensed_institutions.csv")
OJK = Path("id/ojk-p2p-licensed-getpinjol-2025/ds_legal_ojk.csv")
RBI_DLA = Path("in/rbi-dla-directory-2026-09-25/dla_directory_raw_2026-09-25.csv")
P2PEYE = Path("cn/p2peye-problem-platforms-2019-01/problem_platform.txt")
SATGAS = Path("id/satgas-alert-portal-2024-12-08/illegals.json")

# Categories whose matches must be strong enough to count as evidence; the others (typos) only need
# the right lender on top of what is shown.
EVIDENCE_CATEGORIES = frozenset(
    {"legal", "no_form", "traditional", "region_dropped", "english", "english_fullwidth", "short",
     "brand", "app", "domain", "app_id", "pinyin", "form_drift"}
)

_S2T = opencc.OpenCC("s2t")
_PLAY_ID = re.compile(r"details\?id=([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)")
_NO_APP = {"", "na", "nil", "nill", "none", "0", "1", "2", "3", "4", "5", "-", "name of the dla"}


@dataclass(frozen=True)
class Case:
    query: str
    by: str  # name | domain
    expect: frozenset[str]  # legal names of the right lenders; empty: must match no licensed lender
    category: str
    jurisdiction: str | None = None


@dataclass
class Lenders:
    """The evaluation index and the legal name of each lender in it."""

    index: MatchIndex
    names: dict[str, str]
    licensed: frozenset[str]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _clean_rbi_name(text: str) -> str:
    """RBI entity cells carry former names in parentheses: keep the current one."""
    return re.sub(r"\s*\(.*", "", " ".join(text.split())).strip()


def fixture_entries(shared: Path) -> tuple[list[IndexEntry], dict[str, str]]:
    """Index entries from the real captures; lender ids are the source's own ids."""
    entries: list[IndexEntry] = []
    names: dict[str, str] = {}
    for row in _rows(shared / NFRA):
        lender = f"cn-nfra-{row['code'].lower()}"
        names[lender] = row["name"]
        entries.append(IndexEntry(lender, row["name"], "legal", "CN"))
        english = row["name_en"].strip()
        if english and english != "无":
            entries.append(IndexEntry(lender, english, "english", "CN"))
    for row in _rows(shared / OJK):
        lender = f"id-ojk-{_slug(row['Surat Tanda Berizin/Terdaftar'])}"
        company = " ".join(row["Nama Perusahaan"].split())
        names[lender] = company
        entries.append(IndexEntry(lender, company, "legal", "ID"))
        entries.append(IndexEntry(lender, row["Nama Sistem Elektronik"].strip(), "app", "ID"))
        domain = registrable_domain(row["Alamat Website"].strip())
        if domain:
            entries.append(IndexEntry(lender, domain, "domain", "ID"))
    for lender, legal, apps, domains, app_ids in _rbi_entities(shared):
        names[lender] = legal
        entries.append(IndexEntry(lender, legal, "legal", "IN"))
        entries.extend(IndexEntry(lender, app, "app", "IN") for app in sorted(apps))
        entries.extend(IndexEntry(lender, d, "domain", "IN") for d in sorted(domains))
        entries.extend(IndexEntry(lender, a, "app_id", "IN") for a in sorted(app_ids))
    return entries, names


def _rbi_entities(shared: Path) -> Iterator[tuple[str, str, set[str], set[str], set[str]]]:
    """RBI DLA rows grouped by regulated entity (the entity cell is blank on follow-on rows)."""
    grouped: dict[str, tuple[set[str], set[str], set[str]]] = {}
    entity = ""
    for row in _rows(shared / RBI_DLA):
        if row["Entity Name"].strip():
            entity = _clean_rbi_name(row["Entity Name"])
        if not entity:
            continue
        apps, domains, app_ids = grouped.setdefault(entity, (set(), set(), set()))
        app = " ".join(row["Name of the DLA"].split())
        if app.lower() not in _NO_APP:
            apps.add(app)
        website = row["Website of RE"].strip()
        if website.startswith("http"):
            domain = registrable_domain(website)
            if domain:
                domains.add(domain)
        found = _PLAY_ID.search(row["Link to DLA"].replace("&amp;", "&"))
        if found:
            app_ids.add(found.group(1).lower())
    for entity, (apps, domains, app_ids) in grouped.items():
        yield f"in-rbi-{_slug(entity)}", entity, apps, domains, app_ids


def fixture_lenders(shared: Path) -> Lenders:
    entries, names = fixture_entries(shared)
    return Lenders(MatchIndex.build(entries), names, frozenset(names))


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


def generated_cases(shared: Path, sample: int = 1) -> list[Case]:
    """Variants of every real name (every `sample`-th row), each expecting its own lender."""
    cases: list[Case] = []
    nfra = _rows(shared / NFRA)
    regional_owners: Counter[str] = Counter(split_region(name_key(r["name"]))[1] for r in nfra)
    keys = {name_key(r["name"]) for r in nfra}
    for n, row in enumerate(nfra):
        if n % sample:
            continue
        legal = row["name"]
        expect = frozenset({legal})
        cases.append(Case(legal, "name", expect, "legal"))
        bare = strip_cn_forms(legal)
        if bare != legal:
            cases.append(Case(bare, "name", expect, "no_form"))
        traditional = _S2T.convert(legal)
        if traditional != legal:
            cases.append(Case(traditional, "name", expect, "traditional"))
        region, regional = split_region(name_key(legal))
        # Only where the name without its region is still one lender's, and not another's full name.
        if region and regional_owners[regional] == 1 and regional not in keys:
            cases.append(Case(regional, "name", expect, "region_dropped"))
        english = row["name_en"].strip()
        if english and english != "无":
            cases.append(Case(english.title(), "name", expect, "english"))
            cases.append(Case(_fullwidth(english), "name", expect, "english_fullwidth"))
        key = name_key(legal)
        if len(key) >= 6:
            middle = len(key) // 2
            cases.append(Case(key[:middle] + key[middle + 1:], "name", expect, "typo"))
    for n, row in enumerate(_rows(shared / OJK)):
        if n % sample:
            continue
        company = " ".join(row["Nama Perusahaan"].split())
        expect = frozenset({company})
        cases.append(Case(company, "name", expect, "legal"))
        cases.append(Case(re.sub(r"^PT\.?\s+", "", company), "name", expect, "no_form"))
        cases.append(Case(row["Nama Sistem Elektronik"].strip(), "name", expect, "app"))
        website = row["Alamat Website"].strip()
        if registrable_domain(website):
            cases.append(Case(website, "domain", expect, "domain"))
    by_app: dict[str, set[str]] = defaultdict(set)
    by_app_id: dict[str, set[str]] = defaultdict(set)
    by_domain: dict[str, set[str]] = defaultdict(set)
    for _lender, legal, apps, domains, app_ids in _rbi_entities(shared):
        for app in apps:
            by_app[name_key(app)].add(legal)
        for app_id in app_ids:
            by_app_id[app_id].add(legal)
        for domain in domains:
            by_domain[domain].add(legal)
    apps_seen: dict[str, str] = {}
    for _lender, _legal, apps, _domains, _app_ids in _rbi_entities(shared):
        for app in sorted(apps):
            apps_seen.setdefault(name_key(app), app)
    for n, (key, app) in enumerate(sorted(apps_seen.items())):
        if n % sample == 0 and key:
            cases.append(Case(app, "name", frozenset(by_app[key]), "app"))
    for n, (app_id, owners) in enumerate(sorted(by_app_id.items())):
        if n % sample == 0:
            url = f"https://play.google.com/store/apps/details?id={app_id}&hl=en_IN"
            cases.append(Case(url, "domain", frozenset(owners), "app_id"))
    for n, (domain, owners) in enumerate(sorted(by_domain.items())):
        if n % sample == 0:
            cases.append(Case(f"https://www.{domain}/", "domain", frozenset(owners), "domain"))
    return cases


def negative_cases(shared: Path, lenders: Lenders, sample: int = 1) -> tuple[list[Case], int]:
    """Names of platforms no list here licenses. A name that is exactly a licensed name, or a licensed
    brand plus generic words only (Asetku-Dana), is a clone borrowing it: the matcher cannot tell it
    from the brand without the warning list, which answers those. They are left out and counted."""
    cases: list[Case] = []
    clones = 0
    licensed_names = [e.text for e in lenders.index.entries()
                      if e.kind not in ("domain", "app_id") and e.lender_id in lenders.licensed]
    licensed_keys = {name_key(text) for text in licensed_names}
    licensed_cores = {core for text in licensed_names if (core := normalize_name(text).core)}
    names: list[tuple[str, str]] = []
    with (shared / P2PEYE).open(encoding="utf-8", newline="") as handle:
        names.extend((row["平台名称"].strip(), "p2p_problem_platform") for row in csv.DictReader(handle))
    data = json.loads((shared / SATGAS).read_text(encoding="utf-8"))["data"]
    names.extend((item["name"].strip(), "satgas_illegal_app") for item in data
                 if item.get("entity_type") == "Fintech Ilegal")
    seen: set[str] = set()
    for n, (name, category) in enumerate(names):
        key = name_key(name)
        if not key or key in seen or n % sample:
            continue
        seen.add(key)
        core = normalize_name(name).core
        if key in licensed_keys or (core and (core in licensed_cores or core in licensed_keys)):
            clones += 1
            continue
        cases.append(Case(name, "name", frozenset(), category))
    return cases, clones


def hand_cases(path: Path) -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for item in raw["cases"]:
        expect = item.get("expect") or []
        cases.append(Case(str(item["query"]), item.get("by", "name"), frozenset(expect if isinstance(expect, list)
                                                                                  else [expect]),
                          item["category"], item.get("jurisdiction")))
    return cases


@dataclass
class Outcome:
    case: Case
    top: Match | None
    top_name: str
    strong_wrong: list[Match] = field(default_factory=list)
    also_strong: int = 0

    @property
    def right(self) -> bool:
        return self.top is not None and name_key(self.top_name) in {name_key(e) for e in self.case.expect}


def run(lenders: Lenders, cases: Iterable[Case]) -> list[Outcome]:
    outcomes = []
    for case in cases:
        name = case.query if case.by == "name" else None
        domain = case.query if case.by == "domain" else None
        _forms, matches = lenders.index.lookup(name=name, domain=domain, jurisdiction=case.jurisdiction, limit=5)
        shown = [m for m in matches if m.score >= MIN_SCORE]
        expect_keys = {name_key(e) for e in case.expect}
        # Matches tied at the best score have no order between them (a clone on a warning list can
        # carry the licensed name exactly): the right lender among them counts as on top.
        tied = [m for m in shown if m.score == shown[0].score]
        top = next((m for m in tied if name_key(lenders.names.get(m.lender_id, "")) in expect_keys),
                   shown[0] if shown else None)
        strong_wrong = [m for m in shown if m.score >= THRESHOLD and m.lender_id in lenders.licensed
                        and name_key(lenders.names.get(m.lender_id, "")) not in expect_keys]
        if case.expect and top is not None and name_key(lenders.names.get(top.lender_id, "")) in expect_keys:
            # The verdict follows the best match; another licensed lender sharing the brand below it
            # (an app and the NBFC of the same name) is shown, and does not decide the answer.
            also = len(strong_wrong)
            strong_wrong = []
            outcomes.append(Outcome(case, top, lenders.names.get(top.lender_id, ""), strong_wrong, also))
            continue
        outcomes.append(Outcome(case, top, lenders.names.get(top.lender_id, "") if top else "", strong_wrong))
    return outcomes


@dataclass
class Summary:
    positives: int
    found_shown: int  # right lender on top, score ≥ MIN_SCORE
    found_evidence: int  # …and ≥ THRESHOLD where the category requires it
    negatives: int
    false_evidence_negatives: int  # a licensed lender at ≥ THRESHOLD for a name that is not one
    false_evidence_positives: int  # a wrong licensed lender on top at ≥ THRESHOLD for a real lender's name
    table: dict[str, Counter[str]]

    @property
    def recall(self) -> float:
        return self.found_evidence / self.positives if self.positives else 1.0

    @property
    def precision(self) -> float:
        wrong = self.false_evidence_negatives + self.false_evidence_positives
        right = self.found_evidence
        return right / (right + wrong) if right + wrong else 1.0


def summarize(outcomes: list[Outcome]) -> Summary:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    positives = found_shown = found_evidence = negatives = fp_neg = fp_pos = 0
    for o in outcomes:
        row = table[o.case.category]
        row["cases"] += 1
        if not o.case.expect:
            negatives += 1
            if o.strong_wrong:
                fp_neg += 1
                row["licensed_at_threshold"] += 1
            elif o.top is not None:
                row["shown_below_threshold"] += 1
            else:
                row["nothing_shown"] += 1
            continue
        positives += 1
        needs_evidence = o.case.category in EVIDENCE_CATEGORIES
        if o.strong_wrong:
            fp_pos += 1
            row["wrong_lender_at_threshold"] += 1
        if o.also_strong:
            row["also_strong"] += 1
        if o.right:
            found_shown += 1
            assert o.top is not None
            if o.top.score >= THRESHOLD or not needs_evidence:
                found_evidence += 1
                row["right"] += 1
            else:
                row["right_but_weak"] += 1
        elif o.top is None:
            row["missed"] += 1
        else:
            row["wrong_top"] += 1
    return Summary(positives, found_shown, found_evidence, negatives, fp_neg, fp_pos, table)


COLUMNS = ("cases", "right", "right_but_weak", "wrong_top", "missed", "wrong_lender_at_threshold", "also_strong",
           "licensed_at_threshold", "shown_below_threshold", "nothing_shown")


def format_report(summary: Summary, outcomes: list[Outcome], source: str, clones: int = 0, examples: int = 5) -> str:
    lines = [f"matcher evaluation over {source}", ""]
    width = max(len(c) for c in summary.table) + 2
    lines.append("category".ljust(width) + " ".join(c.rjust(len(c)) for c in COLUMNS))
    for category in sorted(summary.table):
        row = summary.table[category]
        lines.append(category.ljust(width) + " ".join(str(row[c]).rjust(len(c)) for c in COLUMNS))
    lines += [
        "",
        f"positives {summary.positives}: right lender on top and strong enough {summary.found_evidence} "
        f"(recall {summary.recall:.2%}); on top at >= {MIN_SCORE} {summary.found_shown}",
        f"negatives {summary.negatives}: a licensed lender at >= {THRESHOLD} for {summary.false_evidence_negatives}",
        f"wrong licensed lender on top at >= {THRESHOLD} for a real lender's name: "
        f"{summary.false_evidence_positives}",
        f"precision at {THRESHOLD}: {summary.precision:.2%}",
    ]
    if clones:
        lines.append(f"left out: {clones} negative names that are exactly a licensed name (clones)")
    failures = [o for o in outcomes if o.strong_wrong or (o.case.expect and not o.right)]
    if failures and examples:
        lines += ["", "examples of misses and false matches:"]
        for o in failures[:examples]:
            top = f"{o.top_name} ({o.top.method} {o.top.score})" if o.top else "nothing"
            wrong = f"; strong wrong: {o.strong_wrong[0].candidate} {o.strong_wrong[0].score}" if o.strong_wrong else ""
            lines.append(f"  [{o.case.category}] {o.case.query!r} → {top}{wrong}")
    return "\n".join(lines)


def evaluate_fixtures(shared: Path = DEFAULT_SHARED, cases_path: Path | None = DEFAULT_CASES,
                      sample: int = 1) -> tuple[Summary, list[Outcome], int]:
    lenders = fixture_lenders(shared)
    cases = generated_cases(shared, sample)
    negatives, clones = negative_cases(shared, lenders, sample)
    cases += negatives
    if cases_path is not None and cases_path.exists():
        cases += hand_cases(cases_path)
    outcomes = run(lenders, cases)
    return summarize(outcomes), outcomes, clones


def store_lenders(engine: Engine) -> Lenders:
    """The evaluation index from a store (the bundled snapshot): what the API serves."""
    from sqlmodel import select

    from lendercheck.models import Lender, RecordRow
    from lendercheck.store import index_entries, session_scope

    with session_scope(engine) as session:
        index = MatchIndex.build(index_entries(session))
        names = {lender.id: lender.name for lender in session.exec(select(Lender))}
        licensed = {row.lender_id for row in session.exec(select(RecordRow)) if row.kind in ("licence", "alias")}
    return Lenders(index, names, frozenset(licensed))


def evaluate_store(engine: Engine, shared: Path = DEFAULT_SHARED, cases_path: Path | None = DEFAULT_CASES,
                   sample: int = 1) -> tuple[Summary, list[Outcome], int]:
    """The same cases against a store: those whose lender the store holds, and every negative."""
    lenders = store_lenders(engine)
    known = {name_key(name) for name in lenders.names.values()}
    cases = generated_cases(shared, sample) if (shared / NFRA).exists() else []
    if cases_path is not None and cases_path.exists():
        cases += hand_cases(cases_path)
    cases = [c for c in cases if not c.expect or {name_key(e) for e in c.expect} & known]
    clones = 0
    if (shared / P2PEYE).exists() and (shared / SATGAS).exists():
        negatives, clones = negative_cases(shared, lenders, sample)
        cases += negatives
    outcomes = run(lenders, cases)
    return summarize(outcomes), outcomes, clones


def report(shared: Path = DEFAULT_SHARED, cases_path: Path | None = DEFAULT_CASES, sample: int = 1,
           examples: int = 10) -> str:
    """The confusion table of the evaluation, as text."""
    summary, outcomes, clones = evaluate_fixtures(shared, cases_path, sample)
    return format_report(summary, outcomes, f"the real captures in {shared}", clones, examples)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared fixtures folder")
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="the hand-written cases (YAML)")
    parser.add_argument("--sample", type=int, default=1, help="use every N-th generated case")
    parser.add_argument("--examples", type=int, default=10, help="misses and false matches to list")
    args = parser.parse_args(argv)
    print(report(args.shared, args.cases, args.sample, args.examples))  # noqa: T201


if __name__ == "__main__":
    main()
