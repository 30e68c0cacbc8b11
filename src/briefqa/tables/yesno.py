"""Yes/no columns: a column whose cells say yes or no ("Expandable: Yes, up to 500TB", "No")
is a condition when the question names it in a count or a list. "Which storage areas can have
their quota expanded?" keeps the rows whose Expandable cell says yes; "which cannot be
expanded?" the rows whose cell does not. A column is one of these only when nearly every cell
that gives a value starts with the word yes or no, so a column of names or notes never is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .asked import Token, keywords
from .presence import folded, is_missing

# Share of a column's given cells that must start with "yes" or "no", and how many at least.
MIN_SHARE = 0.8
MIN_CELLS = 2
_LEADING = re.compile(r"^(yes|no)\b")
# The words that deny the column's name right before it ("cannot be expanded", "not
# expandable", "which aren't expandable", "non-expandable").
_DENIED = re.compile(r"(?:\b(?:not|cannot|never|no)|n['’]t|\bnon)[\s-]+(?:[\w'’]+\s+){0,3}$",
                     re.I)
_NEAR = 30  # characters before the column's name the denial may start
# Plain words for the change a yes/no column's name allows: an "Expandable" quota is one that
# can be raised, increased, extended, grown or made bigger ("can have their quota raised").
_GROWTH = keywords("expand expandable expanded extend extendable extended increase increased "
                   "raise raised grow grown enlarge enlarged bigger larger")


def answers(cell: str) -> str | None:
    """"yes" or "no" when a cell starts with the word, else None."""
    match = _LEADING.match(folded(cell))
    return match.group(1) if match else None


def is_yes_no(cells: list[str]) -> bool:
    """Whether a column's cells say yes or no: at least `MIN_SHARE` of those that give a
    value (and `MIN_CELLS` at least) start with the word."""
    given = [c for c in cells if not is_missing(c)]
    said = sum(answers(c) is not None for c in given)
    return said >= MIN_CELLS and said >= MIN_SHARE * len(given)


@dataclass(frozen=True)
class YesNo:
    """A condition on a yes/no column: its cells saying `yes` (True) or not, from the
    question's words `start` to `end`."""

    position: int
    yes: bool
    start: int
    end: int


def yes_no_conditions(question: str, mentioned: dict[int, tuple[int, int]],
                      strengths: dict[int, float], yes_no) -> list[YesNo]:
    """The conditions the question sets on the yes/no columns it names whole (`mentioned`:
    position -> where; `strengths`: how much of the name it says; `yes_no(position)`: whether
    that column is one), denied where a "not", "cannot", "n't" comes right before."""
    out = []
    for position, (start, end) in sorted(mentioned.items()):
        if strengths.get(position, 0.0) < 1.0 or not yes_no(position):
            continue
        before = question[max(0, start - _NEAR):start]
        out.append(YesNo(position, not _DENIED.search(before), start, end))
    return out


def said_otherwise(name: str, tokens: list[Token]) -> tuple[int, int] | None:
    """Where the question names a yes/no column by another word for the change its name
    allows ("Expandable": "raised", "increased", "grown", "bigger"), or None."""
    if not keywords(name) & _GROWTH:
        return None
    for n, t in enumerate(tokens):
        if keywords(t.text) & _GROWTH:
            # "raised beyond the default": the default is what it grows from; "increased on
            # request": how
            after = [x.low for x in tokens[n + 1:n + 4]]
            if after[:1] in (["beyond"], ["past"], ["above"]) and "default" in after:
                return t.start, tokens[n + 1 + after.index("default")].end
            if after[:2] in (["on", "request"], ["upon", "request"]):
                return t.start, tokens[n + 2].end
            return t.start, t.end
    return None
