"""Pick the summary language from Accept-Language: Chinese or English."""

from __future__ import annotations


def language(accept_language: str | None) -> str:
    """The first of zh / en the client prefers, by q-value; English otherwise."""
    best, best_q = "en", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("zh", "en") and q > best_q:
            best, best_q = primary, q
    return best
