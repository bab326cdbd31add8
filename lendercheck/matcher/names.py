"""Lender-name normalization: pure functions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
_CN_FORMS = sorted(
    ["股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团", "分公司", "公司"], key=len, reverse=True
)
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC (full-width → half-width), casefold, traditional → simplified."""
    return _T2S.convert(unicodedata.normalize("NFKC", text).casefold())


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The exact-match key of a name: folded, company form stripped, punctuation and spaces removed."""
    folded = _PUNCT.sub("", fold(text))
    for form in _CN_FORMS:
        if folded.endswith(form) and len(folded) > len(form):
            folded = folded[: -len(form)]
            break
    return folded
