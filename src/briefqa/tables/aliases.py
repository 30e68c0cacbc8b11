"""Aliases: rows whose name cell gives more than one name for one thing ("`keyword`, `key`",
"-h, --help", "`avail` / `av`"). "Which sub-commands also have a shorter alias?", "how many
can be typed under two different names?" keep those rows (`ALIASED`); "which have no alias"
the others (`SINGLE`).

Read only of a table whose first column is a column of short names (no spaces), some cells
giving several, some one; and only where the question says alias, short form, abbreviation
or two names. The test is one pattern, the same in Python and in DuckDB (RE2): a cell of two
or more single-word names separated by commas or slashes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALIASED, SINGLE = "aliased", "single"

_NAME = r"`?[^\s,`/]+`?"
PATTERN = rf"^\s*{_NAME}\s*(?:[,/]\s*{_NAME}\s*)+$"  # "`keyword`, `key`": two names
_ONE = re.compile(rf"^\s*{_NAME}\s*$")
_SEVERAL = re.compile(PATTERN)
# The words for a second name of a thing
_SAYS = re.compile(
    r"\b(?:(?:shorter|short|other|second|alternative|alternate)\s+)?(?:alias(?:es)?|"
    r"abbreviations?|short\s+forms?|shorthands?)\b|\b(?:two|several|multiple)\s+(?:different\s+)?"
    r"names\b|\bmore\s+than\s+one\s+name\b|\banother\s+name\b", re.I)
_NONE_BEFORE = re.compile(r"(?:\bno|\bwithout|\bnot\s+have|n['’]t\s+have|\blacks?)\s+"
                          r"(?:an?\s+|any\s+)?$", re.I)


def is_aliased(cell: str) -> bool:
    """Does the cell give several single-word names ("`load`, `add`")?"""
    return bool(_SEVERAL.match(cell or ""))


def has_aliases(cells: list[str]) -> bool:
    """A column of short names, some cells giving several and at least as many giving one."""
    several = sum(map(is_aliased, cells))
    one = sum(bool(_ONE.match(c or "")) for c in cells)
    return several >= 1 and one >= 1 and several + one >= 0.8 * len(cells)


@dataclass(frozen=True)
class AliasCondition:
    """Rows with several names (`state` ALIASED) or one (SINGLE), said from `start` to
    `end` of the question."""

    state: str
    start: int
    end: int


def alias_condition(question: str) -> AliasCondition | None:
    """The condition the question's words for a second name set, or None."""
    match = _SAYS.search(question)
    if match is None:
        return None
    before = _NONE_BEFORE.search(question[:match.start()])
    state = SINGLE if before else ALIASED
    return AliasCondition(state, before.start() if before else match.start(), match.end())
