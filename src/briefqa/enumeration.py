"""Lists a sentence announces. A guide announces a list in a sentence ("The most common causes
are:") and gives it as the items that follow; an answer that quotes the sentence without its
items says nothing, and one that quotes it with them says all.

`items_after` is a stage of composing an answer, like `command_after` for "how do I": it adds
sentences, it never decides whether the question is answered. `announces_unfollowed` is the
check that holds an answer back when its first sentence announces what it does not quote.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .document import LIST_ITEM
from .howto import added_after
from .question import asks_several

if TYPE_CHECKING:
    from .evidence import ScoredCandidate
    from .extractive import Evidence
    from .store import IndexData

# A list longer than this (in sentences) is not quoted in an answer; it is shown as passages.
ITEMS_MAX = 10

# A sentence that ends by pointing at what follows it: "... can be summarized as these three
# ranks:", "... as follows:", "The most common causes are:"
ANNOUNCES = re.compile(r"\b(?:these|the following|as follows|below|following|the (?:different|"
                       r"various|several))\b[^.:;]{0,60}:\s*$|"
                       r"\b(?:are|is|were|was|include|includes)\s*:\s*$", re.I)


def items_after(evidence: Evidence, index: IndexData) -> list[ScoredCandidate]:
    """For a best sentence that announces a list ("The most common causes are:"), or, for a
    question that asks for several things, is followed by one that does ("This error relates
    to ..." "The most common causes are:"): the list's items, the list-item sentences right
    after the announcement in its section, weighed as the best one is (the announcement
    first, where it is not the best); none when nothing is announced, no list follows, or
    the list runs past `ITEMS_MAX` sentences."""
    best = evidence.best
    if best is None:
        return []
    announcer = best.unit_id
    unit = index.units[announcer]
    if not ANNOUNCES.search(unit.text):
        after = announcer + 1
        if not asks_several(evidence.question.text) or after >= len(index.units) or \
                index.units[after].source != unit.source or \
                index.units[after].section != unit.section or \
                not ANNOUNCES.search(index.units[after].text):
            return []
        announcer, unit = after, index.units[after]
    items = []
    for unit_id in range(announcer + 1, min(len(index.units), announcer + ITEMS_MAX + 2)):
        after = index.units[unit_id]
        if after.kind != LIST_ITEM or after.source != unit.source or \
                after.section != unit.section:
            break
        items.append(unit_id)
    if not items or len(items) > ITEMS_MAX:
        return []
    added = [announcer] if announcer != best.unit_id else []
    return [added_after(evidence, best, unit_id, "an item it announces" if unit_id in items
                        else "announces the list asked for") for unit_id in added + items]


def announces_unfollowed(units: list) -> bool:
    """Whether an answer's first sentence announces what follows it ("... are:") and the
    answer does not go on with the list items after it."""
    first = units[0]
    if not ANNOUNCES.search(first.text):
        return False
    after = units[1] if len(units) > 1 else None
    return after is None or after.kind != LIST_ITEM or after.source != first.source or \
        after.start < first.end
