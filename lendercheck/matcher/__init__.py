"""Turn what a person types, or the page they are on, into ranked lender matches with explanations."""

from lendercheck.matcher.domains import registrable_domain
from lendercheck.matcher.index import IndexEntry, Match, MatchIndex, QueryForms
from lendercheck.matcher.names import NameForms, name_key, normalize_name

__all__ = [
    "IndexEntry",
    "Match",
    "MatchIndex",
    "NameForms",
    "QueryForms",
    "name_key",
    "normalize_name",
    "registrable_domain",
]
