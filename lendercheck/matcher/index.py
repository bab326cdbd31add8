"""The in-memory index: exact keys, domains and fuzzy candidates, ranked with explanations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from lendercheck.matcher.domains import registrable_domain
from lendercheck.matcher.names import fold, name_key


@dataclass(frozen=True, slots=True)
class IndexEntry:
    lender_id: str
    text: str
    kind: str  # a NameKind value, or "domain" / "app_id"
    jurisdiction: str


@dataclass(frozen=True, slots=True)
class Match:
    lender_id: str
    score: float
    method: str  # domain | exact_name | brand | pinyin | fuzzy
    query_form: str
    candidate_form: str
    candidate: str
    candidate_kind: str


@dataclass(slots=True)
class QueryForms:
    text: str
    folded: str = ""
    key: str = ""
    domain: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class MatchIndex:
    def __init__(self) -> None:
        self._by_key: dict[str, list[IndexEntry]] = defaultdict(list)
        self._by_domain: dict[str, list[IndexEntry]] = defaultdict(list)
        self._keys: list[str] = []
        self.size = 0

    @classmethod
    def build(cls, entries: Iterable[IndexEntry]) -> MatchIndex:
        index = cls()
        for entry in entries:
            index.size += 1
            if entry.kind in ("domain", "app_id"):
                index._by_domain[entry.text.lower()].append(entry)
            else:
                key = name_key(entry.text)
                if key:
                    index._by_key[key].append(entry)
        index._keys = list(index._by_key)
        return index

    def query_forms(self, name: str | None = None, domain: str | None = None) -> QueryForms:
        text = name or domain or ""
        forms = QueryForms(text=text)
        if name:
            forms.folded = fold(name)
            forms.key = name_key(name)
        if domain:
            forms.domain = registrable_domain(domain) or domain.strip().lower()
        return forms

    def lookup(
        self, name: str | None = None, domain: str | None = None, jurisdiction: str | None = None, limit: int = 10
    ) -> tuple[QueryForms, list[Match]]:
        forms = self.query_forms(name, domain)
        best: dict[str, Match] = {}

        def offer(match: Match, entry: IndexEntry) -> None:
            if jurisdiction and entry.jurisdiction != jurisdiction:
                return
            current = best.get(match.lender_id)
            if current is None or match.score > current.score:
                best[match.lender_id] = match

        if forms.domain:
            for entry in self._by_domain.get(forms.domain, []):
                offer(Match(entry.lender_id, 1.0, "domain", forms.domain, entry.text, entry.text, entry.kind), entry)
        if forms.key:
            for entry in self._by_key.get(forms.key, []):
                offer(Match(entry.lender_id, 1.0, "exact_name", forms.key, forms.key, entry.text, entry.kind), entry)
            if len(forms.key) >= 3:
                for key, score, _ in process.extract(forms.key, self._keys, scorer=fuzz.ratio, limit=limit):
                    if score < 60 or key == forms.key:
                        continue
                    for entry in self._by_key[key]:
                        offer(
                            Match(entry.lender_id, round(score / 100 * 0.95, 3), "fuzzy", forms.key, key,
                                  entry.text, entry.kind),
                            entry,
                        )
        ranked = sorted(best.values(), key=lambda m: (-m.score, m.lender_id))
        return forms, ranked[:limit]
