"""What a plan leaves unchecked: conditions a question sets that no part of the plan checks,
which hold its result back (`Plan.unaccounted`, the answerer's gate).

- The rows a question asks among, said before the question ("Among the storage areas kept
  for a long time, which ...", "Of the partitions where I can ask for part of a node, ..."),
  when no condition of the plan stands in those words.
- A cell of another table of the plan's document ("the storage areas that live on LUMI-P":
  LUMI-P is a cell of the table of where each area lives, not of the quotas' table).
- A name in quotes the plan finds in no cell and no column ("the 'long' partition", where no
  partition is called that).
"""

from __future__ import annotations

import re

from .asked import EXPLAINED_ANYWAY, REFERENT_STEMS, SCOPE, keywords, tokenize


def scope_unchecked(question: str, tables, checked: list[tuple[int, int]], naming: set[str],
                    picked: bool) -> list[str]:
    """The words that set the rows a question asks among, when no condition the plan checks
    stands in them (`checked`: where its filters, bounds, periods, joins and named rows are
    said), no table of a family was picked by them (`picked`) and, beyond what the tables
    list, their titles and their documents' names (`naming`, and the tables' own), some word
    is left; else nothing."""
    match = SCOPE.match(question)
    if match is None or picked:
        return []
    start, end = match.span("body")
    if any(start <= s < end for s, e in checked if e > s):
        return []
    named = set(EXPLAINED_ANYWAY) | REFERENT_STEMS | naming
    body = match.group("body")
    # "in the quota table": a table named by one of its columns
    before_table = set().union(*[keywords(m.group(1)) for m in
                                 re.finditer(r"([\w-]+)\s+tables?\b", body, re.I)])
    for table in tables:
        named |= keywords(table.title) | keywords(table.document_title)
        named |= before_table & set().union(*[keywords(c.name) for c in table.columns])
    left = keywords(body) - named
    return [body.strip()] if left else []


def cells_elsewhere(question: str, links, everything, spans: list[tuple[int, int]]) -> list[str]:
    """The cells the question names exactly in another table of the plan's document (`links`:
    the plan's tables' links; `everything`: every table's), and in none of the plan's, outside
    what the plan uses (`spans`), unless the plan's tables are named by those words too ("the
    IT4LIA table")."""
    sources = {m.table.source for m in links}
    mine = {m.table.name for m in links}
    own = {(v.start, v.end) for m in links for v in m.values}
    describing = set().union(*[m.distinct for m in links])
    out: list[str] = []
    for other in everything:
        if other.table.source not in sources or other.table.name in mine:
            continue
        for v in other.values:
            said = question[v.start:v.end]
            if v.kind != "exact" or (v.start, v.end) in own or said in out or any(
                    s <= v.start and v.end <= e for s, e in spans) or \
                    not any(t.distinctive for t in tokenize(said)) or \
                    keywords(said) <= describing:
                continue
            out.append(said)
    return out


# 'long', ‘New’, "gpu": a term in quotes (not the apostrophe of "LUMI's")
_IN_QUOTES = re.compile(r"(?<!\w)['‘\"“]([\w][\w .+/-]{0,38}?)['’\"”](?!\w)")


def quoted_unchecked(question: str, tables, checked: list[tuple[int, int]]) -> list[str]:
    """The terms the question puts in quotes that no condition of the plan stands in
    (`checked`) and that name none of its tables nor their columns (by their titles,
    documents and column names): "the maximum walltime on the 'long' partition" asks of a row
    no table has."""
    quoted = [m for m in _IN_QUOTES.finditer(question) if keywords(m.group(1))]
    if not quoted:
        return []
    naming: set[str] = set()
    for table in tables:
        naming |= keywords(table.title) | keywords(table.document_title)
        for column in table.columns:
            naming |= keywords(column.name)
    out = []
    for m in quoted:
        start, end = m.span(1)
        if any(s <= start < e or start <= s < end for s, e in checked if e > s):
            continue
        if not keywords(m.group(1)) <= naming:
            out.append(m.group(1))
    return out
