"""Sameness: conditions that compare two columns of one row.

"Which features use the identical flag for Fortran and for C/C++?", "For how many features is
the flag exactly the same in Fortran and C/C++?", "Which rows differ between 2023 and 2024?":
a row is kept when its cells in the two columns the question names say the same (`SAME`) or
say different things (`DIFFERS`), both given (a blank or "N/A" is no value to compare, see
presence.py). Cells are compared as `presence.folded` reads them: lower case, no markup.

A condition is read only where the question names both columns within a few words of the
word that says it, so that "the same partition" in a question about one column sets none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SAME, DIFFERS = "same", "differs"

_SAYS = re.compile(
    r"\b(?:(?:exactly|precisely|just)\s+)?(?:the\s+)?(?P<same>same|identical|matching|"
    r"equal|equals|match|matches)\b|\b(?P<differs>differs?|differing|different|differ(?:s)?\s+"
    r"between|not\s+the\s+same)\b", re.I)
_NEAR = 45  # characters between the word and each column's name, at most
# "at the same time", "the same day": when, not a pair of columns compared; "how many
# different countries": how many distinct values of one column
_IDIOM = re.compile(r"\b(?:at\s+)?the\s+same\s+(?:time|moment|day|point|go)\b|"
                    r"\bhow\s+many\s+(?:different|distinct)\b", re.I)


@dataclass(frozen=True)
class Sameness:
    """Columns `first` and `second` say the same (`state` SAME) or not (DIFFERS), said by
    the question's words from `start` to `end`."""

    first: int  # the columns' positions
    second: int
    state: str
    start: int
    end: int


def samenesses(question: str, mentioned: dict[int, tuple[int, int]],
               key: int | None = None) -> list[Sameness]:
    """The conditions comparing two columns the question names (`mentioned`: a column's
    position -> where the question names it); `key`, the table's column of row names, is
    never one of them."""
    named = sorted(((s, e, p) for p, (s, e) in mentioned.items() if p != key and e > s))
    out: list[Sameness] = []
    idioms = [m.span() for m in _IDIOM.finditer(question)]
    for says in _SAYS.finditer(question):
        if any(a <= says.start() < b for a, b in idioms):
            continue
        near = [(s, e, p) for s, e, p in named
                if says.start() - _NEAR <= e and s <= says.end() + _NEAR
                and not (s < says.end() and says.start() < e)]
        positions = list(dict.fromkeys(p for _, _, p in near))
        if len(positions) != 2:
            continue  # one column, or more than two: nothing said of a pair
        first, second = positions
        spans = [(s, e) for s, e, p in near if p in positions]
        start = min(says.start(), *(s for s, _ in spans))
        end = max(says.end(), *(e for _, e in spans))
        out.append(Sameness(first, second, SAME if says.group("same") else DIFFERS,
                            start, end))
    return out
