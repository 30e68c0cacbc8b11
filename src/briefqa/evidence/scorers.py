"""Scorers: each names one piece of evidence that a candidate sentence answers its question, as a
number. A scorer decides nothing: the evidence model (`model.py`) weighs them all, as it was
trained to, into one probability. Signed scorers use +1 for "holds it", -1 for "lacks it" and 0
for "the question does not ask it", so that the model can tell "not asked" from "missing".

To add one: write a function of (context, hit) with a docstring, decorate it with `@scorer`, and
retrain the model (`briefqa train scorer`); a model that does not know a scorer ignores it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ..lexical import without_urls
from ..question import acronym_matches, brings_new, is_referenced, states_measure
from ..retrieve import Hit
from .context import GIVES_REASON, QuestionContext, joined_match, words_around


@dataclass(frozen=True)
class Scorer:
    name: str
    function: Callable[[QuestionContext, Hit], float]

    @property
    def description(self) -> str:
        return " ".join((self.function.__doc__ or "").split())

    def __call__(self, context: QuestionContext, hit: Hit) -> float:
        return float(self.function(context, hit))


SCORERS: list[Scorer] = []


def scorer(function: Callable[[QuestionContext, Hit], float]) -> Callable:
    SCORERS.append(Scorer(function.__name__, function))
    return function


# -- meaning --------------------------------------------------------------------------------


@scorer
def dense(context: QuestionContext, hit: Hit) -> float:
    """Cosine similarity of the question and the sentence (the embedding model)."""
    return hit.dense


@scorer
def window(context: QuestionContext, hit: Hit) -> float:
    """Cosine similarity of the question and the sentence read with its neighbours."""
    return hit.window


@scorer
def pair(context: QuestionContext, hit: Hit) -> float:
    """Cosine similarity of the question and the sentence read with the one before it."""
    return context.pair.get(hit.unit_id, hit.dense)


@scorer
def dense_gap(context: QuestionContext, hit: Hit) -> float:
    """How far the sentence's similarity falls short of the closest candidate's (0 for it)."""
    return hit.dense - context.best.get("dense", hit.dense)


@scorer
def reader(context: QuestionContext, hit: Hit) -> float:
    """The trained reader's score (a logit) that the sentence answers the question; 0 when no
    reader is loaded."""
    return context.reader.get(hit.unit_id, 0.0) if context.reader else 0.0


@scorer
def reader_gap(context: QuestionContext, hit: Hit) -> float:
    """How far the reader's score falls short of the best candidate's (0 for it)."""
    if not context.reader:
        return 0.0
    return context.reader.get(hit.unit_id, 0.0) - max(context.reader.values())


@scorer
def verified(context: QuestionContext, hit: Hit) -> float:
    """1 when the verifier (a cross-encoder reading question and candidate together) read the
    candidate; it reads only the likeliest few. Else 0."""
    return 1.0 if hit.unit_id in context.verifier else 0.0


@scorer
def verifier(context: QuestionContext, hit: Hit) -> float:
    """The verifier's log-odds that the candidate answers the question; 0 when it did not
    read it."""
    return context.verifier.get(hit.unit_id, 0.0)


@scorer
def verifier_gap(context: QuestionContext, hit: Hit) -> float:
    """How far the verifier's log-odds fall short of the best it gave (0 for that one and for
    candidates it did not read)."""
    if hit.unit_id not in context.verifier:
        return 0.0
    return context.verifier[hit.unit_id] - max(context.verifier.values())


# -- words ----------------------------------------------------------------------------------


@scorer
def lexical(context: QuestionContext, hit: Hit) -> float:
    """BM25 score (over title, section path and sentence) relative to the best candidate's."""
    best = context.best.get("lexical", 0.0)
    return hit.lexical / best if best > 0 else 0.0


@scorer
def rank(context: QuestionContext, hit: Hit) -> float:
    """Where retrieval's fused ranking put the sentence, as 1 / log2(rank + 1)."""
    position = next((n for n, h in enumerate(context.hits, 1) if h.unit_id == hit.unit_id),
                    len(context.hits) + 1)
    return 1.0 / math.log2(position + 1)


@scorer
def coverage(context: QuestionContext, hit: Hit) -> float:
    """Share of the question's words (weighted by rarity) the sentence or its section holds."""
    covered = _covered(context, hit)
    return sum(context.terms[w] for w in covered) / context.terms_total


@scorer
def names_missing(context: QuestionContext, hit: Hit) -> float:
    """Share of the question's names (capitalised words that pick something out) that the
    sentence, its section and its document's title do not hold."""
    if not context.names:
        return 0.0
    held = _covered(context, hit) | (words_around(context.index, hit.unit_id) & context.names)
    return len(context.names - held) / len(context.names)


def _covered(context: QuestionContext, hit: Hit) -> set[str]:
    cache = context.cache.setdefault("covered", {})
    if hit.unit_id not in cache:
        unit = context.index.units[hit.unit_id]
        present = context.index.unit_words(hit.unit_id)
        covered = {w for w in context.terms if w in present or joined_match(w, unit.text)}
        covered |= acronym_matches(context.question.text, unit.text) & context.terms.keys()
        cache[hit.unit_id] = covered
    return cache[hit.unit_id]


# -- what is asked ----------------------------------------------------------------------------


@scorer
def kind_present(context: QuestionContext, hit: Hit) -> float:
    """+1 when the sentence holds a fact of the kind asked (a number for "how many", a date for
    "when", a name for "who"/"which <kind>", a place for "where") that the question does not
    already give; -1 when it holds none; 0 when no kind is asked."""
    kind = context.question.kind
    if kind is None:
        return 0.0
    return 1.0 if brings_new(kind, context.question.text,
                             context.index.units[hit.unit_id].text) else -1.0


@scorer
def counted(context: QuestionContext, hit: Hit) -> float:
    """For "how many X / how much": +1 when the sentence names X or states a number in the
    measure asked (euros for a budget, petaflops for performance, "#9" for a rank), -1 when it
    holds no such number; 0 when nothing is counted or it is undecided."""
    return 0.0 if context.counts is None else context.counts(hit.unit_id)


@scorer
def attribute_held(context: QuestionContext, hit: Hit) -> float:
    """For a table row: +1 when one of its columns or cells holds what is asked of its subject
    (the head noun asked for, "budget"; the event a date is asked of, "opened"; a number in the
    asked measure's units), -1 when none does (a near miss); 0 for prose or when nothing
    particular is asked."""
    unit = context.index.units[hit.unit_id]
    if unit.kind != "table_row" or not context.attribute:
        return 0.0
    if context.attribute & words_around(context.index, hit.unit_id):
        return 1.0
    measure = context.measure
    return 1.0 if measure is not None and states_measure(measure, unit.text) else -1.0


@scorer
def document_named(context: QuestionContext, hit: Hit) -> float:
    """+1 when the sentence is in the document the question names ("according to the map"),
    -1 when the question names another; 0 when it names none."""
    references = [set(r) for r in context.question.documents]
    if not references:
        return 0.0
    return 1.0 if is_referenced(references, context.index, hit.unit_id) else -1.0


@scorer
def gives_reason(context: QuestionContext, hit: Hit) -> float:
    """For a "why" question: +1 when the sentence gives a reason ("because", "due to",
    "explained by"), -1 when not; 0 for other questions."""
    if not context.asks_reason:
        return 0.0
    return 1.0 if GIVES_REASON.search(context.index.units[hit.unit_id].text) else -1.0


# -- the question as a whole (the same for every candidate) -----------------------------------


@scorer
def unknown_names(context: QuestionContext, hit: Hit) -> float:
    """How many of the question's names no document mentions (0, 1, 2 ...): asking about a
    thing the documents never name."""
    return float(len(context.unknown))


@scorer
def never_mentioned(context: QuestionContext, hit: Hit) -> float:
    """1 when what the question asks for ("cooling technology", the event it dates) is a word
    no document uses; else 0."""
    return 1.0 if context.unheard else 0.0


@scorer
def asks_how(context: QuestionContext, hit: Hit) -> float:
    """1 for a how-to question ("how do I", "what command"); else 0."""
    return 1.0 if context.asks_how else 0.0


@scorer
def asks_yes_no(context: QuestionContext, hit: Hit) -> float:
    """1 for a yes/no question ("Is ...", "Can I ..."); else 0."""
    return 1.0 if context.asks_yes_no else 0.0


# -- what the unit is -------------------------------------------------------------------------


@scorer
def table_row(context: QuestionContext, hit: Hit) -> float:
    """1 when the unit is a table row; else 0."""
    return 1.0 if context.index.units[hit.unit_id].kind == "table_row" else 0.0


@scorer
def list_item(context: QuestionContext, hit: Hit) -> float:
    """1 when the unit is a list item; else 0."""
    return 1.0 if context.index.units[hit.unit_id].kind == "list_item" else 0.0


@scorer
def holds_code(context: QuestionContext, hit: Hit) -> float:
    """1 when the unit holds a code block or an inline command; else 0."""
    unit = context.index.units[hit.unit_id]
    return 1.0 if unit.kind == "code" or "\n" in unit.text or "`" in unit.text else 0.0


@scorer
def short(context: QuestionContext, hit: Hit) -> float:
    """1 when the unit has fewer than five words (a heading-like line, a bare link); else 0."""
    return 1.0 if len(without_urls(context.index.units[hit.unit_id].text).split()) < 5 else 0.0


@dataclass
class ScoredCandidate:
    """A candidate with every scorer's value and, once the model has weighed them, the
    probability that it answers the question."""

    hit: Hit
    values: dict[str, float]
    probability: float = 0.0
    logit: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def unit_id(self) -> int:
        return self.hit.unit_id


def score_candidates(context: QuestionContext,
                     scorers: list[Scorer] | None = None) -> list[ScoredCandidate]:
    """Every scorer's value for every candidate of the question, in retrieval's order."""
    scorers = SCORERS if scorers is None else scorers
    return [ScoredCandidate(hit, {s.name: s(context, hit) for s in scorers})
            for hit in context.hits]
