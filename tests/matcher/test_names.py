"""Name normalization: tables of real names and the forms they must reduce to."""

from __future__ import annotations

import pytest

from lendercheck.matcher import name_key
from lendercheck.matcher.names import fold, normalize_name, pinyin_keys, split_region, strip_generic


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("招聯消費金融", "招联消费金融"),  # traditional → simplified
        ("Ｃｈｉｎａ　Ｍｅｒｃｈａｎｔｓ", "china merchants"),  # full-width → half-width
        ("汇丰银行（中国）有限公司", "汇丰银行(中国)有限公司"),
        ("Co.，Ltd．", "co.,ltd."),
        ("BOL Financial Leasing CO.,Ltd.\u200b \u200b", "bol financial leasing co.,ltd. "),  # NFRA PDF residue
    ],
)
def test_fold_unifies_width_case_and_script(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Legal-form drift in the NFRA lists (招联: 有限公司 → 股份有限公司) and in hand-made lists.
        ("招联消费金融有限公司", "招联消费金融股份有限公司"),
        ("杭银消费金融有限责任公司", "杭银消费金融股份有限公司"),
        ("兴业消费金融股份公司", "兴业消费金融股份有限公司"),
        ("招聯消費金融股份有限公司", "招联消费金融股份有限公司"),
        # The administrative suffix of a leading region is optional (SOURCES-cn §7.6).
        ("重庆市蚂蚁小微小额贷款有限公司", "重庆蚂蚁小微小额贷款有限公司"),
        ("四川省唯品富邦消费金融有限公司", "四川唯品富邦消费金融有限公司"),
        # Latin legal forms, spaced and punctuated every way the real lists do it.
        ("PT. Kredit Pintar Indonesia", "PT Kredit Pintar Indonesia"),
        ("PT Bank Rakyat Indonesia (Persero) Tbk", "Bank Rakyat Indonesia"),
        ("121 FINANCE PRIVATE LIMITED", "121 Finance Pvt. Ltd."),
        ("CHINA MERCHANTS BANK CO., LTD.", "China Merchants Bank Co.，Ltd．"),
        ("Inner Mongolia Rural Commercial Bank Co.,Ltd .", "INNER MONGOLIA RURAL COMMERCIAL BANK CO., LTD."),
        ("PT Fintech Bina  Bangsa", "Fintech Bina Bangsa"),
    ],
)
def test_spellings_of_one_entity_share_a_name_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # A region prefix can be all that tells two entities apart: linking must not merge them.
        ("重庆蚂蚁消费金融有限公司", "蚂蚁消费金融有限公司"),
        ("北京银行股份有限公司", "银行股份有限公司"),
        ("保定银行股份有限公司", "河北保定农村商业银行股份有限公司"),
        ("中国银行股份有限公司", "中国工商银行股份有限公司"),
    ],
)
def test_name_key_keeps_what_tells_entities_apart(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("key", "region", "rest"),
    [
        ("重庆蚂蚁消费金融", "重庆", "蚂蚁消费金融"),
        ("四川唯品富邦消费金融", "四川", "唯品富邦消费金融"),
        ("内蒙古蒙商消费金融", "内蒙古", "蒙商消费金融"),
        ("中国工商银行", "中国", "工商银行"),
        ("汇丰银行中国", "中国", "汇丰银行"),
        ("广西壮族自治区农村信用社联合社", "广西", "农村信用社联合社"),
        # What would remain is no name on its own: nothing is split.
        ("哈尔滨银行", "", "哈尔滨银行"),
        ("中国银行", "", "中国银行"),
        ("北京农村商业银行", "", "北京农村商业银行"),
        ("招联消费金融", "", "招联消费金融"),
    ],
)
def test_leading_region_splits_off_only_when_a_name_remains(key: str, region: str, rest: str) -> None:
    assert split_region(key) == (region, rest)


@pytest.mark.parametrize(
    ("text", "core"),
    [
        ("招联消费金融股份有限公司", "招联"),
        ("重庆蚂蚁消费金融有限公司", "蚂蚁"),
        ("湖南长银五八消费金融股份有限公司", "长银五八"),
        ("七天贷", "七天"),
        ("闪电借款", "闪电"),
        ("PT Kredit Pintar Indonesia", ""),  # kredit, pintar and indonesia are all everyday words
        ("PT Pembiayaan Digital Indonesia", ""),
        ("Kredivo", "kredivo"),
        ("PT Amartha Mikro Fintek", "amartha"),
        # Too little left to stand for a lender: a place, one character, a generic word.
        ("北京农村商业银行股份有限公司", ""),
        ("中国银行股份有限公司", ""),
        ("easy cash loan app", ""),
        ("小额贷款", ""),
        ("cash", ""),
    ],
)
def test_brand_core_drops_generic_words_and_keeps_only_distinctive_rest(text: str, core: str) -> None:
    assert normalize_name(text).core == core


def test_generic_words_carry_their_line_of_business() -> None:
    assert strip_generic("招商贷")[2] == frozenset({"lending"})
    assert strip_generic("招商银行")[2] == frozenset({"bank"})
    assert strip_generic("保定农村商业银行")[2] == frozenset({"rural_bank"})


@pytest.mark.parametrize(
    ("text", "spelling"),
    [
        ("七天贷", "qitiandai"),
        ("还呗", "huanbei"),  # 还 is hai or huan
        ("长银", "changyin"),  # 长 is zhang or chang
        ("招联", "zhaolian"),
        ("91旺财", "91wangcai"),
    ],
)
def test_pinyin_keys_include_the_heteronym_a_brand_uses(text: str, spelling: str) -> None:
    assert spelling in pinyin_keys(text)


def test_pinyin_variants_are_bounded() -> None:
    assert len(pinyin_keys("长行长行长行长行")) <= 6
    assert pinyin_keys("kredivo") == ()
