"""Conditions a question sets on a table's rows, and the filters that carry them: on time
("before October 2025", "since 2024", "in 2025", "after the first call"; the periods a table's
own name states) and on figures ("above 200", "512 GiB or more", "no more than two jobs");
and the comparatives or superlatives a count or a list says that no plan computes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .asked import (
    ABOVE,
    AT_LEAST,
    AT_MOST,
    BELOW,
    BOUND,
    BOUND_BEFORE,
    COMPARATIVE,
    COUNT_BY,
    NOT_ABOVE,
    NOT_BELOW,
    SUPERLATIVE,
    Asked,
    figures_written,
    keywords,
)
from .plan import ColumnRef, Filter
from .store import TableInfo
from .values import COUNT, DATE, NUMBER, quantities, singular

# The words before a date that say how it restricts (English, for any corpus).
_TIME_RELATIONS = {"before": "before", "prior to": "before", "earlier than": "before",
                   "until": "until", "till": "until", "through": "until", "by": "until",
                   "no later than": "until", "after": "after", "later than": "after",
                   "since": "since", "from": "since", "as of": "since", "starting": "since",
                   "starting in": "since", "starting from": "since", "in": "in",
                   "during": "in", "on": "in", "of": "in", "within": "in",
                   "between": "between"}
_TIME_LEAD = re.compile(
    r"\b(?P<rel>no later than|prior to|earlier than|later than|as of|starting (?:in|from)|"
    r"starting|before|after|since|until|till|through|by|from|in|during|on|of|within|"
    r"between)\s+(?:the\s+(?:year\s+|month\s+of\s+)?)?(?P<fuzzy>(?:early|late|mid|"
    r"(?:the\s+)?(?:end|start|beginning|middle)\s+of)[\s-]*)?$", re.I)
# "after the first call", "before running jobs": a time no figure gives, that no column holds.
_TIME_PHRASE = re.compile(
    r"\b(?P<rel>before|after|since|until|till|prior to)\s+(?P<what>(?:(?:the|a|an|its|their|"
    r"his|her|our|my)\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,3}?)(?=\s*(?:[?,.;:!]|$)|\s+(?:and|or|"
    r"which|that|who|in|on|at|for|with|to|of|than)\b)", re.I)
DATE_NAME_STEMS = keywords("date dates dated year years month months day days time when")


@dataclass(frozen=True)
class TimeCondition:
    """A condition on time the question sets: its words, where, how it restricts
    ("before", "until", "after", "since", "in", "between") and the period its date names
    (date ordinals, the day after its last day excluded); no period for "after the first
    call"."""

    said: str
    start: int
    end: int
    relation: str
    low: float | None = None  # the period's first day
    high: float | None = None  # the day after its last
    year: int | None = None  # the period is this whole year
    exact: bool = True  # False: "early 2026", "the end of 2025" (a period said roughly)

    @property
    def bound(self) -> bool:
        """Before, until, after, since: a range a table's own name cannot state."""
        return self.relation != "in"


def time_conditions(question: str) -> list[TimeCondition]:
    """The conditions on time the question sets (see `TimeCondition`): a date ("October
    2025", "2025-10-10"), or a year after a word that says how it restricts ("in 2025",
    "before 2024"), or "before/after/since/until" and words that name an event."""
    found: list[TimeCondition] = []
    for q in quantities(question):
        text = question[q.start:q.end]
        year = None
        if q.dimension == DATE:
            day = datetime.date.fromordinal(int(q.value))
            if q.qualifier == "~":  # a month: "October 2025"
                low = day.replace(day=1)
                high = (low + datetime.timedelta(days=32)).replace(day=1)
            else:
                low, high = day, day + datetime.timedelta(days=1)
        elif q.dimension == NUMBER and not q.qualifier and \
                re.fullmatch(r"(?:19|20)\d\d", text):
            year = int(text)
            low, high = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        else:
            continue
        lead = _TIME_LEAD.search(question[:q.start])
        if year is not None and (lead is None or lead.group("rel").lower() in
                                 ("of", "on", "within")):
            continue  # "(2025)", "2025 selections", "a maximum of 2048": not a year said
        relation = _TIME_RELATIONS[" ".join(lead.group("rel").lower().split())] \
            if lead else "in"
        start = lead.start() if lead else q.start
        found.append(TimeCondition(question[start:q.end], start, q.end, relation,
                                   float(low.toordinal()), float(high.toordinal()), year,
                                   not (lead and lead.group("fuzzy"))))
    for m in _TIME_PHRASE.finditer(question):
        if any(t.start < m.end() and m.start() < t.end for t in found):
            continue
        relation = _TIME_RELATIONS.get(" ".join(m.group("rel").lower().split()), "before")
        found.append(TimeCondition(m.group(), m.start(), m.end(), relation))
    found.sort(key=lambda t: t.start)
    return found


def unused_comparisons(question: str, what: Asked, spans: list[tuple[int, int]],
                        columns: set[str] = frozenset()) -> list[str]:
    """A count or a list asks for rows; a comparative or superlative it says besides ("the
    newest factories", "larger partitions") restricts them in a way no count or list
    computes. Not a bound of a figure ("more than 200", "at most 4"), a condition on time
    ("later than 2024"), a column's name ("maximum number of jobs": "Max jobs"), nor the
    "most" of "which country has the most ..."."""
    if what.intent not in ("count", "list", "count_by"):
        return []
    unbounded = BOUND.sub(lambda m: " " * len(m.group()), question)
    by = COUNT_BY.search(question) if what.intent == "count_by" else None
    out = []
    for pattern in (SUPERLATIVE, COMPARATIVE):
        for m in pattern.finditer(unbounded):
            if by and by.start() <= m.start() < by.end():
                continue
            if any(s <= m.start() < e for s, e in spans) or keywords(m.group()) <= columns:
                continue
            if m.group() not in out:
                out.append(m.group())
    return out


def periods(text: str) -> list[tuple[float, float]]:
    """The periods a table's own name states ("Dec 2024 selection", "2025 selections")."""
    out, taken = [], []
    for q in quantities(text):
        if q.dimension != DATE:
            continue
        day = datetime.date.fromordinal(int(q.value))
        if q.qualifier == "~":
            low = day.replace(day=1)
            high = (low + datetime.timedelta(days=32)).replace(day=1)
        else:
            low, high = day, day + datetime.timedelta(days=1)
        out.append((float(low.toordinal()), float(high.toordinal())))
        taken.append((q.start, q.end))
    for m in re.finditer(r"(?<![\w.,-])(?:19|20)\d\d(?![\w.,-]?\d)", text):
        if not any(s <= m.start() < e for s, e in taken):
            year = int(m.group())
            out.append((float(datetime.date(year, 1, 1).toordinal()),
                        float(datetime.date(year + 1, 1, 1).toordinal())))
    return out


def time_filters(times: list[TimeCondition], tables: list[TableInfo],
                  filters: list[Filter], question: str) -> tuple[list[Filter], list[str]]:
    """The plan's filters with the question's conditions on time applied, and the words
    of those it cannot account for. A condition is accounted for by a date column (or a
    column of years) that carries it in every table ("before October 2025": the date is
    before 2025-10-01); "in 2025" also by a cell that names it, or by tables whose own
    names state a period inside it ("Dec 2024 selection" for "in December 2024"). A
    range ("before", "since") is never accounted for by a table's name or a cell that
    holds the year: "2025 selections" says nothing of "before October 2025"."""
    bounds = [(t.start, t.end) for t in times if t.bound]
    if bounds:  # "before 2025" is a range, not the cell "2025"
        filters = [f for f in filters if f.dimension or not any(
            a < e and s < b for s, e in bounds for a, b in [span_of(question, f.said)])]
    out, untimed = list(filters), []
    for t in times:
        carried = date_filters(t, tables, question)
        if carried:
            out.extend(carried)
            continue
        if not t.bound and t.low is not None:
            if any(not f.dimension and a < t.end and t.start < b
                   for f in filters for a, b in [span_of(question, f.said)]):
                continue  # a cell the question names holds it ("Dec 2024")
            if t.exact and all(any(t.low <= low and high <= t.high for low, high in
                                   periods(" ".join((table.title, table.caption,
                                                      table.section or ""))))
                               for table in tables):
                continue  # every table says its rows are of that period
        untimed.append(t.said)
    return out, untimed

def date_filters(t: TimeCondition, tables: list[TableInfo],
                  question: str) -> list[Filter]:
    """A condition on time as filters on a date column (or a column of years) of every
    table: the column whose name the question says ("opened" for "Opened"), else the one
    date column of a table whose name says nothing more ("Date", "Year"). None where a
    table has no such column, or several, or the period is said roughly."""
    if t.low is None or not t.exact or t.relation == "between":
        return []
    stems = keywords(question)
    refs, kinds = [], set()
    for table in tables:
        rows = max(1, table.rows)
        options = []
        for c in table.columns:
            dated = c.dimensions.get(DATE)
            if dated and dated["cells"] >= 0.5 * rows:
                options.append((c, DATE))
            elif t.year is not None and "year" in keywords(c.name) and c.values and \
                    (c.dimensions.get(NUMBER) or {}).get("cells", 0) >= 0.5 * rows and \
                    all(re.fullmatch(r"(?:19|20)\d\d", v.strip()) for v in c.values):
                options.append((c, NUMBER))
        named = [o for o in options if (keywords(o[0].name) - DATE_NAME_STEMS) and
                 keywords(o[0].name) - DATE_NAME_STEMS <= stems]
        if not named and len(options) == 1 and \
                not keywords(options[0][0].name) - DATE_NAME_STEMS:
            named = options
        if len(named) != 1:
            return []
        column, kind = named[0]
        refs.append(ColumnRef(table.name, column.position, column.name))
        kinds.add(kind)
    if len(kinds) != 1:
        return []
    kind = kinds.pop()
    if kind == DATE:
        bounds = {"before": [("<", t.low)], "until": [("<", t.high)],
                  "after": [(">=", t.high)], "since": [(">=", t.low)],
                  "in": [(">=", t.low), ("<", t.high)]}[t.relation]
    else:
        bounds = {"before": [("<", t.year)], "until": [("<=", t.year)],
                  "after": [(">", t.year)], "since": [(">=", t.year)],
                  "in": [("=", t.year)]}[t.relation]
    return [Filter(tuple(refs), operator, float(value), kind, said=t.said)
            for operator, value in bounds]


def numeric_filters(question: str, tables: list[TableInfo], mentioned):
    """"above 200", "512 GiB or more", "at most 4 nodes", "shorter than one day", "no
    more than two jobs": a figure compared with a column's typed values (the column the
    question names, else the only one of that dimension); "exactly" a figure after a
    bound ("at most exactly two days") is that figure."""
    out, spans = [], []
    written, replaced = figures_written(question)
    for q in quantities(written):
        start = next((s for s, e in replaced if s <= q.start < e), q.start)
        before, after = question[:start], question[q.end:q.end + 30]
        text = question[start:q.end]
        negated = bool(re.search(r"\bnot?\s+$", before, re.I))
        if re.search(r"\bexactly\s+$", before, re.I) and BOUND_BEFORE.search(before):
            if q.dimension == NUMBER:
                continue
            operator = "="  # "at most exactly two days": two days, as stated
        elif NOT_ABOVE.search(before) or (negated and q.qualifier == ">"):
            operator = "<="  # "no more than two", "no longer than a week"
        elif NOT_BELOW.search(before) or (negated and q.qualifier == "<"):
            operator = ">="
        elif q.qualifier == ">" or ABOVE.search(before):
            operator = ">=" if re.search(r"at least", text + before[-12:], re.I) else ">"
        elif q.qualifier == "<" or BELOW.search(before):
            operator = "<=" if re.search(r"at most|up to", text + before[-12:], re.I) \
                else "<"
        elif AT_LEAST.match(after_words(after)):
            operator = ">="
        elif AT_MOST.match(after_words(after)):
            operator = "<="
        else:
            continue  # a figure stated plainly is a cell to find, not a bound
        columns = []
        dimension = q.dimension
        for table in tables:
            options = [(mentioned[table.name].get(c.position, 0), c) for c in
                       table.columns if q.dimension in c.dimensions]
            if not options and q.dimension.startswith(COUNT):
                # "two jobs" against a column of plain numbers named for jobs ("Max jobs")
                thing = q.dimension[len(COUNT):]
                options = [(mentioned[table.name].get(c.position, 0), c) for c in
                           table.columns if NUMBER in c.dimensions and
                           thing in {singular(w) for w in keywords(c.name)}]
                if options:
                    dimension = NUMBER
            if q.dimension == NUMBER:
                options = [o for o in options if o[0] > 0]
            if not options:
                continue
            options.sort(key=lambda o: (-o[0], o[1].position))
            if len(options) > 1 and options[0][0] == options[1][0]:
                continue  # several columns could hold it and the question names none
            columns.append(ColumnRef(table.name, options[0][1].position,
                                     options[0][1].name))
        if columns:
            out.append(Filter(tuple(columns), operator, q.value, dimension, said=text))
            rate = re.match(r"\s+per\s+[\w-]+", question[q.end:])  # "two jobs per user"
            # "more memory than the standard 256 GiB": the words of the bound are its own
            lead = ABOVE.search(before) or BELOW.search(before)
            spans.append((lead.start() if lead else start,
                          q.end + (rate.end() if rate else 0)))
    return out, spans


def span_of(question: str, said: str) -> tuple[int, int]:
    """Where the question says `said` (its first occurrence); (0, 0) where it does not."""
    at = question.find(said)
    return (at, at + len(said)) if at >= 0 else (0, 0)


def after_words(text: str) -> str:
    """What follows a figure, past up to two words: "512 GiB [of memory] or more"."""
    match = re.match(r"\s*(?:(?:of\s+)?[\w-]+\s+){0,2}?(?=(?:or|and|at)\b)", text)
    return text[match.end():] if match else text.strip()
