"""The index over a handful of real records: which lender each query reaches, how, and how surely.

The entries are copied from the real lists (NFRA 法人名单 2025-06-30, OJK licensed P2P 2025 and the
2019 registered list, RBI DLA directory 2026-09-25, 网贷之家 2018 for a P2P brand and its pinyin id).
"""

from __future__ import annotations

import pytest

from lendercheck.matcher import IndexEntry, Match, MatchIndex

THRESHOLD = 0.85
MIN_SCORE = 0.6

ENTRIES = [
    IndexEntry("X0007H244030001", "招联消费金融股份有限公司", "legal", "CN"),
    IndexEntry("X0007H244030001", "Merchants Union Consumer Finance Company Limited", "english", "CN"),
    IndexEntry("X0029H250000001", "重庆蚂蚁消费金融有限公司", "legal", "CN"),
    IndexEntry("X0016H261010001", "陕西长银消费金融有限公司", "legal", "CN"),
    IndexEntry("X0019H243010001", "湖南长银五八消费金融股份有限公司", "legal", "CN"),
    IndexEntry("X0010H250000001", "马上消费金融股份有限公司", "legal", "CN"),
    IndexEntry("B0011H144030001", "招商银行股份有限公司", "legal", "CN"),
    IndexEntry("B0011H144030001", "CHINA MERCHANTS BANK CO., LTD.", "english", "CN"),
    IndexEntry("B0001H111000001", "中国工商银行股份有限公司", "legal", "CN"),
    IndexEntry("B0006H111000001", "中国银行股份有限公司", "legal", "CN"),
    IndexEntry("B0010H111000001", "北京银行股份有限公司", "legal", "CN"),
    IndexEntry("B0279H211000001", "北京农村商业银行股份有限公司", "legal", "CN"),
    IndexEntry("B0198H213060001", "保定银行股份有限公司", "legal", "CN"),
    IndexEntry("B1535H213060001", "河北保定农村商业银行股份有限公司", "legal", "CN"),
    IndexEntry("zhaoshangdai", "招商贷", "brand", "CN"),  # 网贷之家: a P2P platform, plat id zhaoshangdai
    IndexEntry("id-kep-2-d-05-2018", "PT Kredit Pintar Indonesia", "legal", "ID"),
    IndexEntry("id-kep-2-d-05-2018", "Kredit Pintar", "app", "ID"),
    IndexEntry("id-kep-2-d-05-2018", "kreditpintar.com", "domain", "ID"),
    IndexEntry("id-kep-fintopia", "PT Indonesia Fintopia Technology", "legal", "ID"),
    IndexEntry("id-kep-fintopia", "Easycash", "app", "ID"),
    IndexEntry("id-kep-fintopia", "easycash.id", "domain", "ID"),
    IndexEntry("id-s-236-nb-213-2018", "PT FinAccel Digital Indonesia", "legal", "ID"),
    IndexEntry("id-s-236-nb-213-2018", "Kredivo", "app", "ID"),
    IndexEntry("id-s-236-nb-213-2018", "kredivo.id", "domain", "ID"),
    IndexEntry("in-allens", "ALLEN'S HOUSING & FINANCE LTD", "legal", "IN"),
    IndexEntry("in-allens", "PocketRupee", "app", "IN"),
    IndexEntry("in-allens", "com.pocket.rupee.deal", "app_id", "IN"),
    IndexEntry("in-allens", "allenhf.in", "domain", "IN"),
]


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build(ENTRIES)


def best(index: MatchIndex, **query: str) -> Match | None:
    _forms, matches = index.lookup(**query)  # type: ignore[arg-type]
    return matches[0] if matches else None


def strong(index: MatchIndex, **query: str) -> list[Match]:
    _forms, matches = index.lookup(**query)  # type: ignore[arg-type]
    return [m for m in matches if m.score >= THRESHOLD]


@pytest.mark.parametrize(
    ("query", "lender", "method", "score"),
    [
        ("招联消费金融股份有限公司", "X0007H244030001", "exact_name", 1.0),
        ("招联消费金融有限公司", "X0007H244030001", "exact_name", 1.0),  # the older legal form
        ("招聯消費金融股份有限公司", "X0007H244030001", "exact_name", 1.0),
        ("重庆市蚂蚁消费金融有限公司", "X0029H250000001", "exact_name", 1.0),
        ("China Merchants Bank Co.，Ltd．", "B0011H144030001", "exact_name", 1.0),
        ("Ｋｒｅｄｉｔ　Ｐｉｎｔａｒ", "id-kep-2-d-05-2018", "exact_name", 1.0),
        ("Easy Cash", "id-kep-fintopia", "exact_name", 1.0),
    ],
)
def test_spellings_of_a_listed_name_match_exactly(
    index: MatchIndex, query: str, lender: str, method: str, score: float
) -> None:
    match = best(index, name=query)
    assert match is not None
    assert (match.lender_id, match.method, match.score) == (lender, method, score)


def test_traditional_name_finds_simplified_licence(index: MatchIndex) -> None:
    match = best(index, name="重慶螞蟻消費金融有限公司")
    assert match is not None and match.lender_id == "X0029H250000001" and match.score == 1.0


def test_name_without_its_region_finds_the_regional_licence(index: MatchIndex) -> None:
    match = best(index, name="蚂蚁消费金融有限公司")
    assert match is not None
    assert (match.lender_id, match.method, match.score) == ("X0029H250000001", "exact_name", 0.97)
    assert match.candidate == "重庆蚂蚁消费金融有限公司"


def test_another_region_is_shown_but_is_no_evidence(index: MatchIndex) -> None:
    match = best(index, name="北京蚂蚁消费金融有限公司")
    assert match is not None and match.lender_id == "X0029H250000001"
    assert MIN_SCORE <= match.score < THRESHOLD


@pytest.mark.parametrize(
    ("query", "lender"),
    [("招联", "X0007H244030001"), ("招联金融", "X0007H244030001"), ("马上", "X0010H250000001"),
     ("长银", "X0016H261010001"), ("长银五八", "X0019H243010001")],
)
def test_brand_core_reaches_the_company(index: MatchIndex, query: str, lender: str) -> None:
    match = best(index, name=query)
    assert match is not None
    assert (match.lender_id, match.method) == (lender, "brand")
    assert 0.9 <= match.score <= 0.95


@pytest.mark.parametrize(
    ("query", "not_lender"),
    [
        ("招商贷", "B0011H144030001"),  # a P2P platform's name is not 招商银行
        ("马上贷", "X0010H250000001"),  # a loan app's name is not 马上消费金融
        ("保定银行", "B1535H213060001"),  # a city bank is not the rural bank of the same city
        ("北京银行", "B0279H211000001"),
        ("中国银行", "B0001H111000001"),
    ],
)
def test_shared_words_of_different_businesses_are_no_evidence(index: MatchIndex, query: str, not_lender: str) -> None:
    assert not_lender not in {m.lender_id for m in strong(index, name=query)}


@pytest.mark.parametrize(
    ("query", "lender"),
    [("zhaolian", "X0007H244030001"), ("Zhao Lian", "X0007H244030001"), ("changyin", "X0016H261010001"),
     ("mashangxiaofeijinrong", "X0010H250000001")],
)
def test_latin_query_spelling_a_han_name_matches_by_pinyin(index: MatchIndex, query: str, lender: str) -> None:
    match = best(index, name=query)
    assert match is not None
    assert (match.lender_id, match.method) == (lender, "pinyin")
    assert 0.85 <= match.score <= 0.9


def test_domain_label_spelling_a_han_name_matches_by_pinyin(index: MatchIndex) -> None:
    match = best(index, domain="https://www.zhaoshangdai.com/")
    assert match is not None
    assert (match.lender_id, match.method, match.candidate) == ("zhaoshangdai", "pinyin", "招商贷")


def test_look_alike_domain_of_a_lender_with_its_own_domain_is_no_evidence(index: MatchIndex) -> None:
    # kredivo.com is not Kredivo's listed domain (kredivo.id): a clone could register it.
    match = best(index, domain="kredivo.com")
    assert match is not None and match.lender_id == "id-s-236-nb-213-2018"
    assert match.score < THRESHOLD


@pytest.mark.parametrize(
    "query",
    ["kreditpintar.com", "https://www.kreditpintar.com/", "http://m.kreditpintar.com/faq?x=1", "KREDITPINTAR.COM."],
)
def test_www_and_mobile_hosts_reach_the_same_lender(index: MatchIndex, query: str) -> None:
    match = best(index, domain=query)
    assert match is not None
    assert (match.lender_id, match.method, match.score) == ("id-kep-2-d-05-2018", "domain", 1.0)


@pytest.mark.parametrize(
    "query",
    ["https://play.google.com/store/apps/details?id=com.pocket.rupee.deal&hl=en", "com.pocket.rupee.deal"],
)
def test_play_store_link_finds_the_app_id(index: MatchIndex, query: str) -> None:
    match = best(index, domain=query)
    assert match is not None
    assert (match.lender_id, match.method, match.candidate_kind) == ("in-allens", "domain", "app_id")


def test_name_that_is_a_domain_is_looked_up_as_one(index: MatchIndex) -> None:
    match = best(index, name="easycash.id")
    assert match is not None and (match.lender_id, match.method) == ("id-kep-fintopia", "domain")


@pytest.mark.parametrize(
    ("query", "lender"),
    [("招连消费金融", "X0007H244030001"), ("Kredit Pintarr", "id-kep-2-d-05-2018"), ("Pocket Rupe", "in-allens")],
)
def test_typo_is_found_by_fuzzy_but_never_as_evidence(index: MatchIndex, query: str, lender: str) -> None:
    match = best(index, name=query)
    assert match is not None
    assert (match.lender_id, match.method) == (lender, "fuzzy")
    assert MIN_SCORE <= match.score < THRESHOLD


@pytest.mark.parametrize(
    "query",
    [
        "cash",  # not Easycash
        "easy cash loan app",
        "kredit",  # not Kredivo, not Kredit Pintar
        "pinjaman online",
        "消费金融",  # a two-word generic query must not match every 消费金融 company
        "银行",
        "金融",
        "七天贷",
        "714高炮",
        "闪电借款",
    ],
)
def test_generic_and_unlisted_names_match_nothing_licensed(index: MatchIndex, query: str) -> None:
    assert strong(index, name=query) == []


def test_fuzzy_match_is_never_reported_as_exact(index: MatchIndex) -> None:
    _forms, matches = index.lookup(name="Merchants Union Consumer Finanse")
    assert matches and all(m.method == "fuzzy" and m.score < 0.9 for m in matches)


def test_one_match_per_lender_ranked_by_score(index: MatchIndex) -> None:
    _forms, matches = index.lookup(name="招联消费金融", limit=50)
    assert len({m.lender_id for m in matches}) == len(matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(0.0 <= m.score <= 1.0 for m in matches)


def test_jurisdiction_filters_entries(index: MatchIndex) -> None:
    assert best(index, name="Kredit Pintar", jurisdiction="CN") is None
    match = best(index, name="Kredit Pintar", jurisdiction="ID")
    assert match is not None and match.lender_id == "id-kep-2-d-05-2018"


def test_query_forms_say_how_the_query_was_understood(index: MatchIndex) -> None:
    forms, _ = index.lookup(name="重慶螞蟻消費金融有限公司")
    assert (forms.key, forms.region, forms.regional, forms.core) == ("重庆蚂蚁消费金融", "重庆", "蚂蚁消费金融", "蚂蚁")
    assert "mayi" in forms.pinyin.split()
    forms, _ = index.lookup(domain="https://m.kreditpintar.com/x")
    assert (forms.domain, forms.label) == ("kreditpintar.com", "kreditpintar")


def test_index_is_unchanged_by_lookups_and_counts_its_entries(index: MatchIndex) -> None:
    before = index.entries()
    index.lookup(name="招联")
    assert index.entries() == before
    assert index.size == len(ENTRIES)
    assert MatchIndex.build([]).lookup(name="招联") == (MatchIndex.build([]).query_forms(name="招联"), [])
