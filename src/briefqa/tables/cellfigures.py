"""Cell figures: which of several figures in one cell the question asks for.

A cell of notes may state two figures of one kind: "65 PFlops double precision and 650 PFlops
mixed-precision". The table's typed column holds the first; a question about "LISA's
mixed-precision petaflops" means the second. For the rows a comparison, sum or difference
names, the figure taken is the one whose own words (those after it, up to the next figure)
share the most words with the question, where exactly one does; else the first, as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .asked import GENERIC_STEMS, keywords
from .values import quantities


@dataclass(frozen=True)
class CellFigure:
    value: float
    text: str
    qualifier: str


def figure_asked(cell: str, dimension: str, question: str,
                 ignore: set[str] = frozenset()) -> CellFigure | None:
    """The figure of `dimension` in the cell that the question's words single out (see the
    module), or None when the cell holds fewer than two or none is singled out. `ignore`:
    words that say nothing of which figure (the row's name, the column's)."""
    found = [q for q in quantities(cell or "") if q.dimension == dimension]
    if len(found) < 2:
        return None
    asked = keywords(question) - ignore - GENERIC_STEMS
    scores = []
    for n, q in enumerate(found):
        end = found[n + 1].start if n + 1 < len(found) else len(cell)
        scores.append(len(keywords(cell[q.end:end]) & asked))
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return None
    q = found[scores.index(best)]
    return CellFigure(q.value, cell[q.start:q.end], q.qualifier)
