"""Negation: a question that says "not", "no" or "without" is answered only by a plan that
negates something (a filter that excludes, a cell missing or named as a placeholder, a join to
no row). "How many of the systems are not operational yet?" is no count of all the systems,
nor "which country has a supercomputer but no AI factory" a count of the factories'
countries: such plans are dropped, and the question gets no plan rather than a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .asked import keywords
from .plan import Filter, Linked, Plan
from .presence import is_missing

_NEGATION = re.compile(r"\b(?:not|no|without|never|none|nor)\b|n['’]t\b", re.I)
_NEGATED = re.compile(r"(?:\b(?:not|never)\b|n['’]t\b)\s+((?:\w+\s+){0,2}\w+)", re.I)
_NEGATIVE_OPERATORS = frozenset({"!=", "excludes", "not in", "missing", "differs", "single"})
_NO_MORE_THAN = re.compile(r"\bno\s+(?:more|less|fewer|later|earlier|longer|shorter|greater|"
                           r"higher|lower|bigger|larger|smaller)\s+than\b", re.I)

# "counting ones that haven't arrived yet": rows counted in, whatever the clause negates
_COUNTED_IN = re.compile(r"\b(?:counting|including)\s+(?:the\s+)?(?:ones|those)\s+(?:that|which)"
                         r"\s+[^,;?]*", re.I)


def _names_placeholders(f: Filter) -> bool:
    """"no C/C++ option (marked not available or N/A)": cells that say nothing is given."""
    return f.operator in ("=", "in", "contains") and all(
        isinstance(v, str) and is_missing(v) for v in f.values)


def negated_words(question: str) -> set[str]:
    """The words (stems) a "not", "never" or "-n't" stands before, up to three."""
    return set().union(*[keywords(m.group(1)) for m in _NEGATED.finditer(question)])


def negation_kept(question: str, linked: Linked | None,
                  opposed: Callable[[Plan, set[str]], bool] | None = None) -> Linked | None:
    """A question that says "not", "no", "without" gets only plans that negate something
    (a filter that excludes, a cell missing, a join to no row, or, as `opposed` says, a
    filter on the kind of row set against the one negated): "How many of the systems are
    not operational yet?" is no count of all the systems, nor "which country has a
    supercomputer but no AI factory" a count of the factories' countries."""
    unbounded = _NO_MORE_THAN.sub(" ", question)  # "no more than two jobs": a bound
    unbounded = _COUNTED_IN.sub(" ", unbounded)  # "counting ones that haven't arrived"
    if linked is None or not linked.plans or not _NEGATION.search(unbounded):
        return linked
    negated = negated_words(unbounded)
    kept = [p for p in linked.plans if any(
        f.operator in _NEGATIVE_OPERATORS or _names_placeholders(f)
        for f in (*p.filters, *p.items)) or any(
        j.negate or any(f.operator in _NEGATIVE_OPERATORS for f in j.filters)
        for j in p.joins) or (opposed is not None and negated and opposed(p, negated))]
    if len(kept) == len(linked.plans):
        return linked
    return Linked(kept, linked.decline, linked.confidence if kept else 0.0, linked.intent,
                  linked.links)
