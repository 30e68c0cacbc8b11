"""Prose: a comparison, sum or difference of two named things whose figures stand in the
documents' sentences rather than in a table ("By how many peak petaflops does JUPITER exceed
LUMI, going by the brief?").

The two things are the names either side of "or", "than", "and" or "exceed" in the question.
For each, the sentence that states its figure is found: a sentence naming it (as written, or
run together: "Mare Nostrum 5" and "MareNostrum 5") with a figure after the name in the
dimension the question asks for ("peak petaflops", "nodes"), or sharing the question's words
("NVIDIA"), nearest to the name, in a document the question names if it names one, and
preferring a document whose title names the thing. The figures are then computed as the
table rows' are, and cited the same way: each sentence is a citation, quoted verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexical import STOPWORDS, fold
from .asked import DIMENSION_STEMS, Asked, keywords, squash, tokenize
from .values import COUNT, Quantity, quantities, singular

MAX_GAP = 90  # characters between a name and its figure
_JOINS = re.compile(r"\s(?:or|than|vs\.?|versus|and|exceeds?|outnumbers?)\s", re.I)
_SEPARATORS = frozenset(",:;?()")
_STOPS = frozenset("in on at for to from of between is are was were does do did has have had "
                   "can could will would which what who whose whether more less fewer than "
                   "by how many much per according".split())


@dataclass
class ProseFigure:
    """A thing's figure in a sentence of the corpus."""

    name: str  # as the question names it
    unit_id: int
    quantity: Quantity  # offsets inside the unit's text
    score: float


@dataclass
class ProseFinding:
    """Two figures found in the text for a comparison, sum or difference."""

    aggregate: str  # "compare", "difference" or "sum"
    figures: list[ProseFigure]
    names: list[str]

    @property
    def comparable(self) -> bool:
        a, b = (f.quantity for f in self.figures)
        return a.dimension == b.dimension


def named_pair(question: str) -> list[str]:
    """The two names a comparison is between ("Jupiter", "LUMI"), or none."""
    joins = list(_JOINS.finditer(question))
    if not joins:
        return []
    join = joins[-1]
    words = list(re.finditer(r"[\w'’/.+-]+|[,:;?()]", question))
    before = [w for w in words if w.end() <= join.start()]
    after = [w for w in words if w.start() >= join.end()]
    left = []
    for w in reversed(before):
        low = w.group().lower()
        if low in _SEPARATORS or (low in _STOPS and left):
            break
        if low not in _STOPS:
            left.insert(0, w)
        if len(left) == 5:
            break
    right = []
    for w in after:
        low = w.group().lower()
        if low in _SEPARATORS or (low in _STOPS and right) or len(right) == 5:
            break
        if low not in _STOPS:
            right.append(w)
    if left and any(w.group() == "," and w.end() <= left[0].start() and
                    left[0].start() - w.end() <= 2 for w in before):
        return []  # "A, B and C": more than two things
    names = []
    for part in (left, right):
        text = question[part[0].start():part[-1].end()] if part else ""
        tokens = [t for t in tokenize(text) if t.distinctive or t.text[:1].isupper()]
        if not tokens:
            return []
        names.append(text[tokens[0].start:tokens[-1].end])
    if len(names) != 2 or squash(singular(names[0])) == squash(singular(names[1])):
        return []  # "the GPU nodes or the nodes without GPUs": one word, not two things
    said = [keywords(n) for n in names]
    if said[0] <= said[1] or said[1] <= said[0]:
        return []  # "those with NVIDIA A40 GPUs or those without GPUs": one inside the other
    for part in (left, right):
        if re.search(r"\b(?:without|no|not|non|lacking)\W*$", question[:part[0].start()],
                     re.I):
            return []  # "those without GPUs": a thing said by what it lacks
    return names


def find_figures(question: str, what: Asked, index, documents: list[str] | None = None
                 ) -> ProseFinding | None:
    """The two things' figures in the text, or None when either cannot be found."""
    if what.intent not in ("compare", "difference", "sum"):
        return None
    names = named_pair(question)
    if not names:
        return None
    question_words = keywords(question) - {w for n in names for w in keywords(n)}
    wanted = {d for d, stems in DIMENSION_STEMS.items() if stems & question_words}
    if what.dimension:
        wanted.add(what.dimension)
    counted = {COUNT + singular(w) for w in re.findall(r"[A-Za-z]+", question)}
    many = re.search(r"\bhow many\s+(?:more\s+|fewer\s+|less\s+)?(?:[\w-]+\s+){0,2}?"
                     r"([A-Za-z-]+s)\b", question, re.I)
    if many:  # "how many [compute] nodes": a count of those, or a unit ("peak petaflops")
        units = {d for d, stems in DIMENSION_STEMS.items() if stems & keywords(many.group(1))}
        wanted = units or {COUNT + singular(many.group(1))}
        counted = set(wanted)
    figures = []
    for n, name in enumerate(names):
        other = names[1 - n]
        best = None
        for unit_id, unit in enumerate(index.units):
            if documents and not any(d in squash(unit.source) + squash(
                    index.documents[unit.source].title) for d in documents):
                continue
            for _at, end in _mentions(unit.text, name):
                found = _figure_after(unit.text, end, other, wanted, counted, question_words)
                if found is None:
                    continue
                quantity, gap = found
                score = -gap / MAX_GAP
                title = squash(index.documents[unit.source].title)
                if squash(name) in title:
                    score += 0.5  # the thing's own page
                score += 0.1 * len(keywords(unit.text) & question_words)
                if best is None or score > best.score:
                    best = ProseFigure(name, unit_id, quantity, score)
        if best is None:
            return None
        figures.append(best)
    if figures[0].unit_id == figures[1].unit_id and \
            figures[0].quantity.start == figures[1].quantity.start:
        return None  # one figure for both: not a comparison
    return ProseFinding(what.intent, figures, names)


def _mentions(text: str, name: str) -> list[tuple[int, int]]:
    """Where a text names the thing: its words in order, spaces optional ("Mare Nostrum 5"
    for "MareNostrum 5"), not inside a longer name ("LUMI" is not in "LUMI-C")."""
    letters = [c for c in fold(name) if c.isalnum()]
    if len(letters) < 2:
        return []
    pattern = r"(?<![\w-])" + r"[\s-]?".join(re.escape(c) for c in letters) + r"(?![\w]|-\w)"
    return [m.span() for m in re.finditer(pattern, fold(text))]


def _figure_after(text: str, end: int, other: str, wanted: set[str], counted: set[str],
                  question_words: set[str]) -> tuple[Quantity, int] | None:
    """The figure nearest after a name, in the dimension asked (or sharing the question's
    words), before the other thing is named."""
    window = text[end:end + MAX_GAP]
    stop = _mentions(window, other)
    if stop:
        window = window[:stop[0][0]]
    for quantity in quantities(window):
        phrase = window[quantity.start:quantity.end]
        fits = quantity.dimension in wanted or quantity.dimension in counted or (
            not wanted and quantity.dimension.startswith(COUNT) and
            keywords(phrase) & question_words - set(STOPWORDS))
        if fits:
            moved = Quantity(quantity.value, quantity.dimension, end + quantity.start,
                             end + quantity.end, quantity.qualifier)
            return moved, quantity.start
    return None
