"""How-to: the command a sentence introduces. A technical guide says how in a sentence ("you
can pass the compiler wrappers in the appropriate environment variables.") and shows it in a
code block a sentence or two later ("This should be sufficient ... $ ./configure CC=cc ..."); an
answer that quotes the first without the second tells half of it. Where no command follows,
the next sentence of the paragraph often names what the best one leads up to.

`command_after` is a stage of composing an answer, like `reason_after` for "why": it adds a
sentence, it never decides whether the question is answered.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from .document import CODE, TABLE_ROW
from .evidence import ScoredCandidate
from .evidence.context import asks_how
from .retrieve import Hit

if TYPE_CHECKING:
    from .extractive import Evidence
    from .store import IndexData

COMMAND_LOOKAHEAD = 2  # how many sentences after the best one are looked at for its command

def holds_code(index: IndexData, unit_id: int) -> bool:
    """Whether the unit carries a code block (code joins the sentence before it)."""
    unit = index.units[unit_id]
    blocks = index.documents[unit.source].blocks
    at = bisect.bisect_left(blocks, unit.start, key=lambda b: b.start)
    while at < len(blocks) and blocks[at].start < unit.end:
        if blocks[at].kind == CODE:
            return True
        at += 1
    return False


def command_after(evidence: Evidence, index: IndexData) -> ScoredCandidate | None:
    """For a how-to question whose best sentence shows no command: the next sentence of the
    same section (within `COMMAND_LOOKAHEAD`) that carries one; else the next sentence of its
    paragraph, which so often says what the best one leads up to ("... a special plugin is
    required." "That's the aws-ofi-rccl plugin, ...")."""
    best = evidence.best
    if best is None or not asks_how(evidence.question.text) or holds_code(index, best.unit_id):
        return None
    unit = index.units[best.unit_id]
    for following in range(best.unit_id + 1, best.unit_id + 1 + COMMAND_LOOKAHEAD):
        if following >= len(index.units):
            break
        after = index.units[following]
        if after.source != unit.source or after.section != unit.section or \
                after.kind == TABLE_ROW:
            break
        if holds_code(index, following):
            return added_after(evidence, best, following, "shows the command")
    following = best.unit_id + 1
    if following < len(index.units) and same_paragraph(index, best.unit_id, following):
        return added_after(evidence, best, following, "continues it")
    return None


def added_after(evidence: Evidence, before: ScoredCandidate, unit_id: int,
                note: str) -> ScoredCandidate:
    """The sentence a compose stage adds after `before`: the candidate itself where it is one,
    else a new one weighed as `before`, with a note that says why it was added."""
    known = next((s for s in evidence.candidates if s.unit_id == unit_id), None)
    return known or ScoredCandidate(Hit(unit_id, before.hit.dense, 0.0, 0.0), {},
                                    before.probability, before.logit, [note])


def same_paragraph(index: IndexData, first: int, second: int) -> bool:
    """Whether two sentence units stand in one paragraph, the second after the first."""
    a, b = index.units[first], index.units[second]
    document = index.documents[a.source].text
    return a.source == b.source and a.section == b.section and b.start >= a.end and \
        b.kind != TABLE_ROW and "\n" not in document[a.end:b.start]
