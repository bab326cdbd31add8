"""Lender-name normalization: pure functions from a name to the forms the index compares.

    fold          NFKC (full-width → half-width), zero-width characters dropped, casefold,
                  traditional → simplified
    name_key      folded, Latin and Chinese company forms stripped, punctuation and spaces removed:
                  the key that links records of one legal entity
    split_region  a leading province / city / country name split off the key (the region key)
    brand_core    the region key without generic finance words, when what remains is distinctive
    pinyin_keys   toneless pinyin spellings of a Han name, heteronyms bounded
    normalize_name  all of the above at once, as `NameForms`
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc
from pypinyin.pinyin_dict import pinyin_dict
from rigour.names.org_types import remove_org_types

from lendercheck.matcher.tables import TABLES

_T2S = opencc.OpenCC("t2s")


def _traditional_chars() -> frozenset[str]:
    """Characters t2s changes on their own. A name with none of them is already simplified, so the
    converter (the slowest step of folding) is skipped."""
    chars = "".join(chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00)))
    converted = _T2S.convert(chars)
    if len(converted) != len(chars):
        return frozenset(chars)
    return frozenset(a for a, b in zip(chars, converted, strict=True) if a != b)


_TRADITIONAL = _traditional_chars()
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[a-z]")
_FORMAT_CHARS = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

_CN_FORMS: tuple[str, ...] = tuple(sorted(TABLES.cn_company_forms, key=len, reverse=True))
_LATIN_FORMS = frozenset(TABLES.latin_company_forms)
_CN_GENERIC: tuple[tuple[str, frozenset[str]], ...] = tuple(
    sorted(((w, frozenset(c)) for w, c in TABLES.generic_cn.items()), key=lambda p: len(p[0]), reverse=True)
)
_CN_GENERIC_TABLE = dict(_CN_GENERIC)
_CN_GENERIC_LENGTHS = tuple(sorted({len(w) for w in _CN_GENERIC_TABLE}, reverse=True))
_CN_FORM_SET = frozenset(_CN_FORMS)
_CN_FORM_LENGTHS = tuple(sorted({len(f) for f in _CN_FORMS}, reverse=True))
_LATIN_GENERIC: dict[str, frozenset[str]] = {w: frozenset(c) for w, c in TABLES.generic_latin.items()}
# Region prefixes with their administrative suffixes, longest spelling first, so 广西壮族自治区 wins over 广西.
_REGION_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        ((name + suffix, name) for name, suffixes in TABLES.cn_regions.items() for suffix in ["", *suffixes]),
        key=lambda p: len(p[0]),
        reverse=True,
    )
)
_CITY_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(((c + s, c) for c in TABLES.cn_cities for s in ("市", "")), key=lambda p: len(p[0]), reverse=True)
)
_REGION_TABLE = dict(_REGION_PREFIXES)
_REGION_LENGTHS = tuple(sorted({len(s) for s in _REGION_TABLE}, reverse=True))
_CITY_TABLE = dict(_CITY_PREFIXES)
_CITY_LENGTHS = tuple(sorted({len(s) for s in _CITY_TABLE}, reverse=True))
_COUNTRY_PREFIXES: tuple[str, ...] = tuple(TABLES.cn_country_prefixes)
_COUNTRY_QUALIFIERS: tuple[str, ...] = tuple(TABLES.cn_country_qualifiers)
# A place alone is no brand: 北京 in 北京农村商业银行 names where, not who.
_PLACES = frozenset(
    [*TABLES.cn_regions, *(n + s for n, ss in TABLES.cn_regions.items() for s in ss), *TABLES.cn_cities,
     *(c + "市" for c in TABLES.cn_cities), *TABLES.cn_country_prefixes, *TABLES.cn_country_qualifiers]
)

# A brand core must carry at least this much text to stand for a lender on its own: two Han
# characters (招联, 蚂蚁) or four Latin letters (julo). One Han character or "ovo" is too little.
MIN_CORE_WEIGHT = 4
# Pinyin spellings kept per name: enough for the common heteronyms (还 hai/huan, 长 zhang/chang,
# 行 xing/hang) without letting a long name explode into hundreds of keys.
MAX_PINYIN_VARIANTS = 6
_MAX_READINGS = 3


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def weight(text: str) -> int:
    """Length that counts a Han character twice: 招联 weighs as much as julo."""
    return len(text) + len(_HAN.findall(text))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC (full-width → half-width), format characters dropped, casefold, traditional → simplified."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKC", text)
    # Zero-width spaces and direction marks survive NFKC; they come from PDF and store-page copies.
    text = _FORMAT_CHARS.sub("", text).casefold()
    if _TRADITIONAL.isdisjoint(text):
        return text
    return _T2S.convert(text)


def squash(text: str) -> str:
    """Punctuation, spaces and underscores removed."""
    return "".join(_WORD.findall(text))


def strip_latin_forms(folded: str) -> str:
    """Latin legal forms removed (rigour's org-type table, then ours), spaced text kept."""
    if not _LATIN_LETTER.search(folded):
        return folded
    text = folded
    # rigour removes one designation per pass ("pvt ltd" leaves "pvt"): repeat until nothing changes.
    for _ in range(3):
        stripped = remove_org_types(text)
        if stripped == text or not squash(stripped):
            break
        text = stripped
    tokens = _WORD.findall(text)
    kept = [t for t in tokens if t not in _LATIN_FORMS]
    return " ".join(kept or tokens)


def strip_cn_forms(key: str) -> str:
    """Chinese company forms removed from the end, longest first, at most twice, never to nothing."""
    for _ in range(2):
        for length in _CN_FORM_LENGTHS:
            if len(key) > length and key[-length:] in _CN_FORM_SET:
                key = key[:-length]
                break
        else:
            break
    return key


def _prefix(key: str, table: dict[str, str], lengths: tuple[int, ...]) -> tuple[str, str]:
    for length in lengths:
        found = table.get(key[:length])
        if found is not None and len(key) > length:
            return found, key[length:]
    return "", key


def _region_prefix(key: str) -> tuple[str, str]:
    return _prefix(key, _REGION_TABLE, _REGION_LENGTHS)


def _city_prefix(key: str) -> tuple[str, str]:
    return _prefix(key, _CITY_TABLE, _CITY_LENGTHS)


def _canonical_region_spelling(key: str) -> str:
    """重庆市蚂蚁… and 重庆蚂蚁… are one name: the administrative suffix of a leading region is optional."""
    region, rest = _region_prefix(key)
    if region and rest and key != region + rest:
        return region + rest
    return key


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The exact key of a name: folded, company forms stripped, punctuation and spaces removed.
    Region prefixes stay (only their 省/市 suffix is dropped): two companies may differ by region alone."""
    folded = fold(text)
    return _key_of(folded, strip_latin_forms(folded))


def _key_of(folded: str, spaced: str) -> str:
    key = squash(spaced)
    if has_han(key):
        key = _canonical_region_spelling(strip_cn_forms(key))
    return key or squash(folded)


def split_region(key: str) -> tuple[str, str]:
    """(region, rest): 重庆蚂蚁消费金融 → (重庆, 蚂蚁消费金融); 汇丰银行中国 → (中国, 汇丰银行).
    Nothing is split when the rest would not name a lender on its own (哈尔滨银行 stays whole)."""
    region, rest, _generic = _split_region(key)
    return region, rest


def _split_region(key: str) -> tuple[str, str, tuple[str, str, frozenset[str]] | None]:
    """As split_region, with the generic split of the rest when it was computed on the way."""
    if not has_han(key):
        return "", key, None
    regions: list[str] = []
    rest = key
    for country in _COUNTRY_PREFIXES:
        if rest.startswith(country):
            regions.append(country)
            rest = rest[len(country):]
            break
    province, rest = _region_prefix(rest)
    if province:
        regions.append(province)
    city, rest = _city_prefix(rest)
    if city:
        regions.append(city)
    if not regions:
        for qualifier in _COUNTRY_QUALIFIERS:
            if rest.endswith(qualifier) and len(rest) > len(qualifier) + 2:
                regions.append(qualifier)
                rest = rest[: -len(qualifier)]
                break
    if not regions:
        return "", key, None
    generic = strip_generic(rest)
    if not _distinctive(generic[0]):
        return "", key, None
    return "".join(regions), rest, generic


def _distinctive(core: str) -> bool:
    return weight(core) >= MIN_CORE_WEIGHT and not core.isdigit() and core not in _PLACES


def strip_generic(key: str, tokens: tuple[str, ...] = ()) -> tuple[str, str, frozenset[str]]:
    """(core, generic words removed, their lines of business). Han names lose generic words from the
    end (招联消费金融 → 招联); Latin names lose generic tokens anywhere (kredit pintar → pintar)."""
    if has_han(key):
        removed: list[str] = []
        classes: set[str] = set()
        core = key
        changed = True
        while changed and core and "\u3400" <= core[-1] <= "\u9fff":
            changed = False
            for length in _CN_GENERIC_LENGTHS:
                word_classes = _CN_GENERIC_TABLE.get(core[-length:])
                if word_classes is not None and len(core) >= length:
                    removed.append(core[-length:])
                    core = core[:-length]
                    classes |= word_classes
                    changed = True
                    break
        return core, "".join(reversed(removed)), frozenset(classes)
    words = tokens or (key,)
    kept = [t for t in words if t not in _LATIN_GENERIC]
    dropped = [t for t in words if t in _LATIN_GENERIC]
    latin_classes: set[str] = set()
    for t in dropped:
        latin_classes |= _LATIN_GENERIC[t]
    return "".join(kept), "".join(dropped), frozenset(latin_classes)


@lru_cache(maxsize=32768)
def _readings(ch: str) -> tuple[str, ...]:
    raw = pinyin_dict.get(ord(ch))
    if not raw:
        return (ch,)
    found: list[str] = []
    for reading in raw.split(","):
        plain = unicodedata.normalize("NFD", reading.replace("ü", "v"))
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        if plain and plain not in found:
            found.append(plain)
    return tuple(found[:_MAX_READINGS])


def pinyin_keys(text: str, limit: int = MAX_PINYIN_VARIANTS) -> tuple[str, ...]:
    """Toneless pinyin of a (folded, squashed) name, the most common reading first, then one
    heteronym changed at a time: 还呗 → haibei, huanbei, …; 长银 → zhangyin, changyin."""
    if not has_han(text):
        return ()
    return _spellings([_readings(ch) for ch in text], limit)


def _spellings(readings: list[tuple[str, ...]], limit: int = MAX_PINYIN_VARIANTS) -> tuple[str, ...]:
    first = [r[0] for r in readings]
    variants = ["".join(first)]
    for i, options in enumerate(readings):
        for option in options[1:]:
            if len(variants) >= limit:
                return tuple(variants)
            variant = "".join(first[:i]) + option + "".join(first[i + 1:])
            if variant not in variants:
                variants.append(variant)
    return tuple(variants)


@dataclass(frozen=True, slots=True)
class NameForms:
    folded: str
    key: str
    region: str
    regional: str  # the key without its leading region, or the key
    core: str  # "" when what remains after generic words is not distinctive
    generic: str  # the generic words the core lost
    classes: frozenset[str]  # their lines of business
    pinyin: tuple[str, ...]

    @property
    def is_han(self) -> bool:
        return has_han(self.regional)


def normalize_name(text: str) -> NameForms:
    folded = fold(text)
    spaced = strip_latin_forms(folded)
    key = _key_of(folded, spaced)
    region, regional, generic_split = _split_region(key)
    han = has_han(regional)
    if generic_split is None:
        generic_split = strip_generic(regional, () if han else tuple(_WORD.findall(spaced)))
    core, generic, classes = generic_split
    if not _distinctive(core):
        core = ""
    pinyin: tuple[str, ...] = ()
    if han:
        # Whole short names too: 七天贷 is spelled qitiandai on its domain, its core 七天 is qitian.
        readings = [_readings(ch) for ch in regional]
        spellings = _spellings(readings[: len(core)]) if core and regional.startswith(core) else ()
        if core and not spellings:
            spellings = pinyin_keys(core)
        if len(regional) <= 8:
            spellings += _spellings(readings)
        pinyin = tuple(dict.fromkeys(spellings))
    return NameForms(folded, key, region, regional, core, generic, classes, pinyin)


cached_forms = lru_cache(maxsize=65536)(normalize_name)
