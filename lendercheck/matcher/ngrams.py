"""Candidate generation for fuzzy matching: an inverted index of character n-grams.

Han text gives unigrams and bigrams (one wrong character in 招连消费金融 still leaves 招 and the
bigrams around it), Latin text gives trigrams of each run padded at both ends. Candidates are
ranked by how many grams they share with the query, reading the rarest grams first within a fixed
budget of postings and skipping grams common to a large share of all names, so a query made of
common grams (消费, 金融, ban) costs the same at a million names as at a thousand.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable

_RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")

# Postings read per query at most. Past this the remaining grams are too common to tell names apart.
POSTINGS_BUDGET = 4_000
# A gram in more than this share of all forms (银行, 金融 in a list of banks) is skipped outright.
COMMON_SHARE = 0.02
COMMON_FLOOR = 500


def grams(text: str) -> set[str]:
    found: set[str] = set()
    for han, other in _RUNS.findall(text):
        if han:
            found.update(han)
            found.update(han[i:i + 2] for i in range(len(han) - 1))
        else:
            padded = f"^{other}$"
            found.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return found


class GramIndex:
    """Immutable once built: `postings` maps a gram to the sorted ids of the forms that contain it."""

    __slots__ = ("postings", "size")

    def __init__(self, postings: dict[str, array], size: int) -> None:
        self.postings = postings
        self.size = size

    @classmethod
    def build(cls, forms: Iterable[str]) -> GramIndex:
        lists: dict[str, list[int]] = {}
        size = 0
        for form_id, form in enumerate(forms):
            size += 1
            for gram in grams(form):
                bucket = lists.get(gram)
                if bucket is None:
                    lists[gram] = [form_id]
                else:
                    bucket.append(form_id)
        postings = {gram: array("i", ids) for gram, ids in lists.items()}
        return cls(postings, size)

    def candidates(self, text: str, limit: int, budget: int = POSTINGS_BUDGET) -> list[int]:
        """Form ids sharing the most grams with `text`, best first; the rarest grams are read first."""
        common = max(COMMON_FLOOR, int(self.size * COMMON_SHARE))
        found = sorted(
            (len(p), g, p) for g in grams(text) if (p := self.postings.get(g)) is not None and len(p) <= common
        )
        counts: Counter[int] = Counter()
        read = 0
        for df, _gram, ids in found:
            if read + df > budget:
                break
            read += df
            counts.update(ids)
        return [form_id for form_id, _ in counts.most_common(limit)]
