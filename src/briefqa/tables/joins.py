"""Joins: where a question's clause speaks of another table's rows ("factories in a country
that also hosts a supercomputer", "with no AI factory", "whose machine is exascale"), the noun
it hangs on, and the column two tables share. The linker (`Linker._join`) makes the plan's
`Join` from them; the executor runs it as a filter on the other table's values.
"""

from __future__ import annotations

import re

from .asked import EXPLAINED_ANYWAY, GENERIC_STEMS, keywords
from .plan import ColumnRef
from .store import TableInfo

# A clause about other rows: "(in a country) that also hosts ...", "with no AI factory",
# "whose EuroHPC machine is ...", "(built on a supercomputer) that also appears in ..."
_CLAUSE = re.compile(r"\b(?:(?:that|which|who)\s+(?:also|already|too|still)\b|"
                     r"(?:that|which|who)\s+(?:hosts?|has|have|had|appears?|is|are)\b|"
                     # "(on a machine) that the supercomputers CSV lists as petascale"
                     r"(?:that|which)\s+(?=the\s+[^,;?]{1,40}?\b(?:lists?|class(?:es|ifies)?|"
                     r"rates?|marks?|calls?|describes?|names?|counts?)\s+as\b)|"
                     r"whose\b|with(?:out\b|\s+no\b))", re.I)
_ANCHOR = re.compile(r"(?:\b(?:an?|one|the|any)\s+)?([A-Za-z][\w-]*)\s+$")


def clauses(question: str) -> list[tuple[int, int]]:
    """Where clauses about other rows stand (from the noun they hang on to the question's
    end or the next comma), in order."""
    out = []
    for match in _CLAUSE.finditer(question):
        if not keywords(question[:match.start()]) - EXPLAINED_ANYWAY:
            continue  # the question's own "Which ..."
        anchor = _ANCHOR.search(question[:match.start()])
        start = anchor.start() if anchor else match.start()
        end = next((i for i in range(match.end(), len(question)) if question[i] in ",;?"),
                   len(question))
        out.append((start, end))
    return out


def anchor_of(clause: str) -> set[str]:
    """The stems of the noun a clause hangs on ("a country that ...": country); empty
    when it begins with its relative word."""
    match = _CLAUSE.search(clause)
    if match is None or match.start() == 0:
        return set()
    return keywords(clause[:match.start()]) - GENERIC_STEMS


def same_column(table: TableInfo, other: TableInfo, stems: set[str] | None = None):
    """(column of `table`, column of `other`) of the same name (beyond the first, and one the
    stems name when given), or None when there is not exactly one such pair."""
    pairs = []
    for column in table.columns[1:]:
        name = keywords(column.name)
        if not name or (stems is not None and not name & stems):
            continue
        for theirs in other.columns[1:]:
            if keywords(theirs.name) == name:
                pairs.append((ColumnRef(table.name, column.position, column.name),
                              ColumnRef(other.name, theirs.position, theirs.name)))
    if stems is None:
        pairs = [p for p in pairs if not keywords(p[0].name) & _SOURCE_COLUMN_STEMS]
    return pairs[0] if len(pairs) == 1 else None


_SOURCE_COLUMN_STEMS = keywords("source url title date checked notes")
# How a clause relates rows to another table's ("that also hosts", "already had", "appears in")
RELATION_STEMS = keywords("host hosts hosted has have had appear appears listed feature "
                           "features include includes also already too still at all any whose")
