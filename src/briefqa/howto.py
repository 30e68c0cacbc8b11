"""How-to: the command a sentence introduces. A technical guide says how in a sentence ("you
can pass the compiler wrappers in the appropriate environment variables.") and shows it in a
code block a sentence or two later ("This should be sufficient ... $ ./configure CC=cc ..."); an
answer that quotes the first without the second tells half of it.

`command_after` is a stage of composing an answer, like `reason_after` for "why": it adds a
sentence, it never decides whether the question is answered.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from .document import CODE, TABLE_ROW
from .evidence import ScoredCandidate
from .retrieve import Hit

if TYPE_CHECKING:
    from .extractive import Evidence
    from .store import IndexData

COMMAND_LOOKAHEAD = 2  # how many sentences after the best one are looked at for its command

# A sentence of the question that asks how to do something or for the thing to type or set;
# the sentence may come after one about the asker's situation ("My job was killed ... How do
# I ...?").
_ASKS_HOW = re.compile(
    r"^\W*(?:how (?:do|can|should|would|could|to|does)|what (?:command|commands|option|flag|"
    r"setting|variable|module|do i (?:need to )?(?:set|run|type|use|put|add))|which (?:command|"
    r"option|flag|setting|variable|module)|where (?:do|can|should)|can i|is there a way)\b",
    re.I)
_SENTENCES = re.compile(r"(?<=[.!?])\s+")


def asks_how(question: str) -> bool:
    """Whether some sentence of the question asks how to do something, or what to run or set."""
    return any(_ASKS_HOW.search(part) for part in _SENTENCES.split(question.strip()))


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
    """For a how-to question whose best sentence shows no command, the next sentence of the
    same section (within `COMMAND_LOOKAHEAD`) that carries one."""
    best = evidence.best
    if best is None or not asks_how(evidence.question.text) or holds_code(index, best.unit_id):
        return None
    unit = index.units[best.unit_id]
    known = {s.unit_id: s for s in evidence.candidates}
    for following in range(best.unit_id + 1, best.unit_id + 1 + COMMAND_LOOKAHEAD):
        if following >= len(index.units):
            break
        after = index.units[following]
        if after.source != unit.source or after.section != unit.section or \
                after.kind == TABLE_ROW:
            break
        if holds_code(index, following):
            return known.get(following) or ScoredCandidate(
                Hit(following, best.hit.dense, 0.0, 0.0), {}, best.probability, best.logit,
                ["shows the command"])
    return None
