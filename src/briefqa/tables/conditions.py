"""Conditions on time a question sets: "before October 2025", "since 2024", "in 2025",
"after the first call"; the periods a table's own name states; and the comparatives or
superlatives a count or a list says that no plan computes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .asked import BOUND, COMPARATIVE, COUNT_BY, SUPERLATIVE, Asked, keywords
from .values import DATE, NUMBER, quantities

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
