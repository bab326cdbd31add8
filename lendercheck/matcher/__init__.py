"""Turn what a person types, or the page they are on, into ranked lender matches with explanations."""

from lendercheck.matcher.domains import registrable_domain
from lendercheck.matcher.index import IndexEntry, Match, MatchIndex, QueryForms
from lendercheck.matcher.names import name_key

__all__ = ["IndexEntry", "Match", "MatchIndex", "QueryForms", "name_key", "registrable_domain"]
