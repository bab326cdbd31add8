"""The in-memory index: exact keys, domains, brand cores, pinyin and fuzzy candidates, ranked with
explanations. Built once from the store's names and domains, never changed after: a rebuilt index
replaces the old one whole, so lookups need no locks.

Scores (the API counts a match at or above 0.85 as evidence, and hides those under 0.6):

| how        | when                                                          | score       |
|------------|---------------------------------------------------------------|-------------|
| domain     | same registrable domain, or same app package id               | 1.0         |
| exact_name | same key                                                      | 1.0         |
| exact_name | same key once the candidate's leading region is dropped       | 0.97        |
| exact_name | the query adds a region the candidate does not have           | 0.9         |
| brand      | same brand core, distinctive, generic words agree             | 0.92–0.95   |
| pinyin     | a Latin query or a domain label spells a Han name             | 0.86–0.88   |
| fuzzy      | n-gram candidates scored with rapidfuzz on core and key       | below 0.85  |
| any        | the regions differ, or the generic words name other businesses | at most 0.8 |
| brand/pinyin | a domain's name part, for a lender listed with other domains  | at most 0.75 |

A fuzzy match reaches 0.85–0.89 only when very close (ratio ≥ 0.9) on long cores on both sides.
Once a match reaches 0.85 the fuzzy search is skipped: it could only add weaker rows below it.

Guards against the known traps: a brand core must be distinctive (two Han characters or four Latin
letters once generic words are gone), a core shared by many lenders is weak or unused, generic words
naming different businesses (招商贷 a loan app, 招商银行 a bank) lower a brand match below the
threshold, different regions do too, a domain label only weakly matches a lender whose own domains
are known and different (clones register look-alike domains), and fuzzy matching needs a query of
some length and scores whole strings, so `cash` does not find `easy cash loan app`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from lendercheck.matcher.domains import app_id_of, domain_label, play_store_id, registrable_domain
from lendercheck.matcher.names import NameForms, cached_forms, has_han, normalize_name, weight
from lendercheck.matcher.ngrams import GramIndex

EXACT = 1.0
REGION_DROPPED = 0.97
REGION_ADDED = 0.9
REGION_CONFLICT = 0.8
BRAND_LONG = 0.95
BRAND_SHORT = 0.92
BRAND_OTHER_BUSINESS = 0.8
PINYIN_LONG = 0.88
PINYIN_SHORT = 0.86
NOT_ITS_DOMAIN = 0.75
FUZZY_TOP = 0.89
FUZZY_CAP = 0.84
FUZZY_KEY_FACTOR = 0.84
FUZZY_FLOOR = 0.5

# A core of this weight or more counts as long (三个汉字, six Latin letters).
LONG_CORE = 6
# Fuzzy matching needs at least this much query: 2 Han characters or 4 letters match too much.
FUZZY_MIN_WEIGHT = 5
# "Very close on a long core": the only way a fuzzy match reaches the evidence threshold.
FUZZY_CLOSE_RATIO = 0.9
FUZZY_CLOSE_WEIGHT = 8
FUZZY_CANDIDATES = 30
SKIP_FUZZY_FROM = 0.85
# A brand core or pinyin spelling shared by this many lenders says little about which one is meant.
SHARED_BY_SOME = 3
SHARED_BY_MANY = 20
SHARED_PENALTY = 0.03
MIN_PINYIN = 5
MIN_LABEL = 4

_METHOD_RANK = {"domain": 0, "exact_name": 1, "brand": 2, "pinyin": 3, "fuzzy": 4}
_KIND_RANK = {"legal": 0, "domain": 0, "app_id": 0, "former": 1, "short": 2, "english": 3, "brand": 4, "app": 4}


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
    """The query as understood: every form the matcher compared."""

    text: str
    folded: str = ""
    key: str = ""
    domain: str | None = None
    regional: str = ""
    region: str = ""
    core: str = ""
    pinyin: str = ""
    app_id: str = ""
    label: str = ""
    extra: dict[str, str] = field(default_factory=dict)


Ids = int | list[int]


def _add(table: dict[str, Ids], key: str, entry_id: int) -> None:
    found = table.get(key)
    if found is None:
        table[key] = entry_id
    elif isinstance(found, int):
        table[key] = [found, entry_id]
    else:
        found.append(entry_id)


def _ids(found: Ids | None) -> Sequence[int]:
    if found is None:
        return ()
    return (found,) if isinstance(found, int) else found


def _compatible(query: NameForms, candidate: NameForms) -> bool:
    """Do the generic words of two names describe the same business? A bare brand (招联, Kredivo)
    and a query with only broad words (招联金融) agree with anything; otherwise the lines of business
    must meet (招商贷 a loan platform and
    招商银行 a bank do not). Two characters of brand are little to go on, so with a short core any
    specific generic words must be the same: 马上贷 is not 马上消费金融, 招联金融 is 招联消费金融."""
    if not query.generic or not candidate.generic:
        return True
    mine = query.classes - {"broad"}
    theirs = candidate.classes - {"broad"}
    if not mine:
        return True  # the query only says "finance": it narrows nothing
    if mine != theirs and not (mine & theirs):
        return False
    if weight(query.core) < LONG_CORE:
        return query.generic == candidate.generic or not mine
    return True


def _region_score(query: NameForms, candidate: NameForms, score: float) -> float:
    if query.region and candidate.region and query.region != candidate.region:
        return min(score, REGION_CONFLICT)
    return score


class MatchIndex:
    __slots__ = ("_entries", "_exact", "_regional", "_core", "_pinyin", "_domain", "_app", "_label",
                 "_has_domain", "_fuzzy_forms", "_fuzzy_ids", "_grams", "size")

    def __init__(self) -> None:
        self._entries: list[IndexEntry] = []
        self._exact: dict[str, Ids] = {}
        self._regional: dict[str, Ids] = {}
        self._core: dict[str, Ids] = {}
        self._pinyin: dict[str, Ids] = {}
        self._domain: dict[str, Ids] = {}
        self._app: dict[str, Ids] = {}
        self._label: dict[str, Ids] = {}
        self._has_domain: frozenset[str] = frozenset()
        self._fuzzy_forms: list[str] = []
        self._fuzzy_ids: list[Ids] = []
        self._grams = GramIndex({}, 0)
        self.size = 0

    @classmethod
    def build(cls, entries: Iterable[IndexEntry]) -> MatchIndex:
        index = cls()
        has_domain: set[str] = set()
        fuzzy_of: dict[str, int] = {}
        for entry in entries:
            entry_id = len(index._entries)
            index._entries.append(entry)
            if entry.kind == "domain":
                domain = registrable_domain(entry.text) or entry.text.strip().lower()
                _add(index._domain, domain, entry_id)
                has_domain.add(entry.lender_id)
                label = domain_label(domain)
                if len(label) >= MIN_LABEL:
                    _add(index._label, label, entry_id)
                continue
            if entry.kind == "app_id":
                _add(index._app, entry.text.strip().lower(), entry_id)
                continue
            forms = normalize_name(entry.text)
            if not forms.key:
                continue
            _add(index._exact, forms.key, entry_id)
            if forms.regional != forms.key:
                _add(index._regional, forms.regional, entry_id)
            if forms.core and forms.core != forms.regional:
                _add(index._core, forms.core, entry_id)
            for spelling in forms.pinyin:
                if len(spelling) >= MIN_PINYIN:
                    _add(index._pinyin, spelling, entry_id)
            if weight(forms.regional) >= FUZZY_MIN_WEIGHT:
                form_id = fuzzy_of.get(forms.regional)
                if form_id is None:
                    fuzzy_of[forms.regional] = len(index._fuzzy_forms)
                    index._fuzzy_forms.append(forms.regional)
                    index._fuzzy_ids.append(entry_id)
                else:
                    held = index._fuzzy_ids[form_id]
                    if isinstance(held, int):
                        index._fuzzy_ids[form_id] = [held, entry_id]
                    else:
                        held.append(entry_id)
        index._has_domain = frozenset(has_domain)
        index._grams = GramIndex.build(index._fuzzy_forms)
        index.size = len(index._entries)
        return index

    def entries(self) -> Sequence[IndexEntry]:
        """Everything the index was built from, in order."""
        return tuple(self._entries)

    # -- queries ---------------------------------------------------------------------------------

    def query_forms(self, name: str | None = None, domain: str | None = None) -> QueryForms:
        forms = QueryForms(text=name or domain or "")
        if name:
            n = cached_forms(name)
            forms.folded, forms.key, forms.regional, forms.region = n.folded, n.key, n.regional, n.region
            forms.core, forms.pinyin = n.core, " ".join(n.pinyin)
            if not has_han(name) and " " not in name.strip() and "." in name:
                domain = name  # a name that is a domain or a package id is looked up as one too
        if domain:
            app_id = app_id_of(domain)
            if app_id and (not name or app_id in self._app):
                forms.app_id = app_id
            if play_store_id(domain) is None:
                found = registrable_domain(domain)
                forms.domain = found or (None if name else domain.strip().lower())
                if found:
                    forms.label = domain_label(found)
        return forms

    def lookup(
        self, name: str | None = None, domain: str | None = None, jurisdiction: str | None = None, limit: int = 10
    ) -> tuple[QueryForms, list[Match]]:
        forms = self.query_forms(name, domain)
        found = _Found(self._entries, jurisdiction)
        if forms.app_id:
            for i in _ids(self._app.get(forms.app_id)):
                found.offer(i, EXACT, "domain", forms.app_id, forms.app_id)
        if forms.domain:
            for i in _ids(self._domain.get(forms.domain)):
                found.offer(i, EXACT, "domain", forms.domain, forms.domain)
        if forms.label and len(forms.label) >= MIN_LABEL:
            self._by_label(forms, found)
        if name:
            self._by_name(cached_forms(name), forms, found)
        return forms, found.ranked(limit)

    def _by_label(self, forms: QueryForms, found: _Found) -> None:
        """A domain nobody lists, whose name part spells a lender's name: qitiandai.com ↔ 七天贷."""
        label = forms.label

        def weak(i: int, score: float) -> float:
            lender = self._entries[i].lender_id
            return min(score, NOT_ITS_DOMAIN) if lender in self._has_domain else score

        for i in self._shared(self._pinyin.get(label)):
            found.offer(i, weak(i, self._pinyin_score(label, self._pinyin[label])), "pinyin", label, label)
        for table in (self._exact, self._core):
            hits = table.get(label)
            for i in self._shared(hits):
                score = BRAND_LONG if len(label) >= LONG_CORE else BRAND_SHORT
                found.offer(i, weak(i, score - self._shared_penalty(hits)), "brand", label, label)

    def _by_name(self, q: NameForms, forms: QueryForms, found: _Found) -> None:
        if not q.key:
            return
        for i in _ids(self._exact.get(q.key)):
            found.offer(i, EXACT, "exact_name", q.key, q.key)
        # The candidate has a region the query leaves out: 蚂蚁消费金融 → 重庆蚂蚁消费金融.
        for i in _ids(self._regional.get(q.key)):
            c = self._forms(i)
            found.offer(i, REGION_DROPPED, "exact_name", q.key, c.key)
        if q.region:
            # The query adds a region: 北京招联消费金融 → 招联消费金融 (weaker), or names another one.
            for i in _ids(self._exact.get(q.regional)):
                found.offer(i, REGION_ADDED, "exact_name", q.regional, q.regional)
            for i in _ids(self._regional.get(q.regional)):
                c = self._forms(i)
                score = REGION_DROPPED if c.region == q.region else REGION_CONFLICT
                found.offer(i, score, "exact_name", q.regional, c.regional)
        if q.core:
            self._by_core(q, found)
        self._by_pinyin(q, forms, found)
        # Once a match is strong enough to be evidence, fuzzy ones could only add weaker rows below it:
        # the search, the costliest step, is skipped.
        if weight(q.regional) >= FUZZY_MIN_WEIGHT and (q.core or not q.generic) and found.top() < SKIP_FUZZY_FROM:
            self._fuzzy(q, found)

    def _by_core(self, q: NameForms, found: _Found) -> None:
        base = BRAND_LONG if weight(q.core) >= LONG_CORE else BRAND_SHORT
        # The candidate's core, or its whole name when it has no generic words (an app called Kredivo).
        for table in (self._core, self._exact, self._regional):
            hits = table.get(q.core)
            penalty = self._shared_penalty(hits)
            for i in self._shared(hits):
                c = self._forms(i)
                score = base if _compatible(q, c) else BRAND_OTHER_BUSINESS
                found.offer(i, _region_score(q, c, score - penalty), "brand", q.core, q.core)

    def _by_pinyin(self, q: NameForms, forms: QueryForms, found: _Found) -> None:
        if has_han(q.regional):
            # A Han query against Latin names and domain labels: 七天贷 → qitiandai.com.
            for spelling in q.pinyin:
                if len(spelling) < MIN_PINYIN:
                    continue
                for table in (self._label, self._exact):
                    hits = table.get(spelling)
                    for i in self._shared(hits):
                        found.offer(i, self._pinyin_score(spelling, hits), "pinyin", spelling, spelling)
            return
        # A Latin query against Han names: zhaolian → 招联消费金融. The whole query only: the core of
        # "Bank of Baoding" is a place that many Han names share.
        for spelling in dict.fromkeys((q.key, q.regional)):
            if len(spelling) < MIN_PINYIN:
                continue
            hits = self._pinyin.get(spelling)
            for i in self._shared(hits):
                found.offer(i, self._pinyin_score(spelling, hits), "pinyin", spelling, spelling)

    def _fuzzy(self, q: NameForms, found: _Found) -> None:
        query_weight = weight(q.regional)
        # Grams of the whole key: its region narrows the candidates (北京 among the 农村商业银行).
        for form_id in self._grams.candidates(q.key, FUZZY_CANDIDATES):
            form = self._fuzzy_forms[form_id]
            if not 0.5 <= weight(form) / query_weight <= 2.0:
                continue
            ids = _ids(self._fuzzy_ids[form_id])
            c = self._forms(ids[0])
            by_key = FUZZY_KEY_FACTOR * max(fuzz.ratio(q.regional, form), fuzz.ratio(q.key, c.key)) / 100
            by_key = min(FUZZY_CAP, by_key)
            by_core = 0.0
            if q.core and c.core:
                ratio = fuzz.ratio(q.core, c.core) / 100
                by_core = FUZZY_TOP * ratio
                close = (ratio >= FUZZY_CLOSE_RATIO and weight(q.core) >= FUZZY_CLOSE_WEIGHT
                         and weight(c.core) >= FUZZY_CLOSE_WEIGHT)
                if not close or not _compatible(q, c):
                    by_core = min(by_core, FUZZY_CAP)
            score = round(max(by_key, by_core), 3)
            if score < FUZZY_FLOOR:
                continue
            compared = (q.core, c.core) if by_core > by_key else (q.regional, form)
            for i in ids:
                # Entries share a form once their regions are dropped; the regions may still differ.
                own = _region_score(q, self._forms(i), score) if q.region else score
                found.offer(i, own, "fuzzy", *compared)

    # -- helpers ---------------------------------------------------------------------------------

    def _forms(self, entry_id: int) -> NameForms:
        return cached_forms(self._entries[entry_id].text)

    def _lenders(self, hits: Ids | None) -> int:
        return len({self._entries[i].lender_id for i in _ids(hits)})

    def _shared(self, hits: Ids | None) -> Sequence[int]:
        """Entries of a brand or pinyin key, none when the key is common to too many lenders."""
        ids = _ids(hits)
        if len(ids) > 1 and self._lenders(hits) >= SHARED_BY_MANY:
            return ()
        return ids

    def _shared_penalty(self, hits: Ids | None) -> float:
        return SHARED_PENALTY if len(_ids(hits)) > 1 and self._lenders(hits) >= SHARED_BY_SOME else 0.0

    def _pinyin_score(self, spelling: str, hits: Ids | None) -> float:
        score = PINYIN_LONG if len(spelling) >= 8 else PINYIN_SHORT
        return score - self._shared_penalty(hits)


class _Found:
    """The best match per lender, within a jurisdiction if one is asked for."""

    __slots__ = ("entries", "jurisdiction", "best")

    def __init__(self, entries: list[IndexEntry], jurisdiction: str | None) -> None:
        self.entries = entries
        self.jurisdiction = jurisdiction
        self.best: dict[str, tuple[tuple[float, int, int], Match]] = {}

    def offer(self, entry_id: int, score: float, method: str, query_form: str, candidate_form: str) -> None:
        entry = self.entries[entry_id]
        if self.jurisdiction and entry.jurisdiction != self.jurisdiction:
            return
        rank = (-score, _METHOD_RANK[method], _KIND_RANK.get(entry.kind, 5))
        current = self.best.get(entry.lender_id)
        if current is not None and current[0] <= rank:
            return
        match = Match(entry.lender_id, score, method, query_form, candidate_form, entry.text, entry.kind)
        self.best[entry.lender_id] = (rank, match)

    def top(self) -> float:
        return max((-rank[0] for rank, _ in self.best.values()), default=0.0)

    def ranked(self, limit: int) -> list[Match]:
        ordered = sorted(self.best.values(), key=lambda item: (item[0], item[1].lender_id))
        return [match for _, match in ordered[:limit]]
