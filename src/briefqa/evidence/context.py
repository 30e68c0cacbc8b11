"""What a question brings to the scoring of its candidates, worked out once per question."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np

from ..lexical import fold, words
from ..question import (
    CAPITALISED,
    META_WORDS,
    YES_NO_VERBS,
    CountedCheck,
    Question,
    asked_event,
    names_measure,
    never_mentioned,
    question_names,
    unknown_names,
)
from ..retrieve import Hit
from ..store import IndexData

# "How long", "how big": the adjective names the kind of answer, not what it is about.
_HOW_ADJECTIVE = re.compile(r"\bhow (?:long|big|large|far|old|often|fast|soon|high|wide)\b", re.I)
# A question asking for a reason, and the words a sentence gives one with.
ASKS_REASON = re.compile(r"^\W*why\b|\bwhat (?:reason|explains|explanation|causes|drives)\b|"
                         r"\bfor what reason\b|\bhow (?:come|is .* explained)\b", re.I)
GIVES_REASON = re.compile(r"\b(?:because|explained by|due to|owing to|as a result|reflecting|"
                          r"driven by|thanks to|the reason|stems? from|results? from|since|"
                          r"so that|in order to)\b", re.I)
_ASKS_HOW = re.compile(r"^\W*(?:how (?:do|can|should|would|to|does)|what (?:command|option|"
                       r"flag|setting|module)|where (?:do|can|should)|can i|is there a way)\b",
                       re.I)
_ASKS_YES_NO = re.compile(rf"^\W*(?:{YES_NO_VERBS})\b", re.I)

# What asks how to do something, or for the thing to type, set or load, anywhere in the question
# (it often comes after a sentence about the asker's situation: "My job was killed ... How do I
# ...?", "Spack on LUMI: how do I ...", "... 1000 tasks, 4 at a time. syntax?").
_ASKS_HOW_ANYWHERE = re.compile(
    r"\bhow (?:do|can|should|would|could|does|to) (?:i|we|you|one|my|our)\b|\bhow to\b|"
    r"\b(?:what|which)(?: \w+){0,3} (?:should|do|must|can|would) (?:i|we)\b|"
    r"\bwhat's the (?:way|quickest way|easiest way|tool|command|option)\b|"
    r"\bis there (?:a way|an option|a setting|a command|a workaround)\b|"
    r"\b(?:command|option|flag|setting|variable|syntax|workaround)s?\b[^.?!]*\?|\bfix\?",
    re.I)


def asks_how(question: str) -> bool:
    """Whether the question asks how to do something, or what to run, set or load."""
    return bool(_ASKS_HOW_ANYWHERE.search(question))


# "Why" asked anywhere, after a sentence of the asker's situation too ("My job asks for 64
# cores per node and never starts. Why would that be?"); `ASKS_REASON`, which the scorers
# read, holds only for a question that opens with it
_WHY_ANYWHERE = re.compile(r"\bwhy\s+(?:would|does|do|did|is|are|was|were|can|can['’]t|cannot|"
                           r"won['’]t|doesn['’]t|don['’]t|didn['’]t|isn['’]t|aren['’]t|might|"
                           r"should|could|has|have|will|not)\b", re.I)


def asks_why(question: str) -> bool:
    """Whether the question asks for a reason, wherever in it the asking is."""
    return bool(ASKS_REASON.search(question) or _WHY_ANYWHERE.search(question))


MIN_NAME_WEIGHT = 1.0  # BM25 idf: a name in more than about a quarter of the units weighs less


@dataclass
class QuestionContext:
    """A parsed question with what scoring needs of it: its weighted words, its names, what it
    counts or measures, what it asks of its subject, and the candidates it came with."""

    question: Question
    index: IndexData
    hits: list[Hit]
    terms: dict[str, float]  # the question's words, weighted by rarity in the corpus
    names: frozenset[str]  # the words of its names that pick something out (not "AI")
    counts: CountedCheck | None  # for "how many/much": does a unit count the asked thing?
    attribute: frozenset[str]  # what is asked of the subject ("budget", "opened")
    measure: str | None  # the measure asked for, by name or unit ("performance": compute)
    unknown: tuple[str, ...]  # names no document mentions
    unheard: tuple[str, ...]  # what it asks for, when no document uses the word
    asks_reason: bool  # opens with "why" (what the scorers were trained on)
    asks_how: bool
    asks_yes_no: bool
    asks_why: bool  # asks for a reason anywhere in it (`asks_why`: the answer step's checks)
    pair: dict[int, float] = field(default_factory=dict)  # unit -> cosine read with the one before
    best: dict[str, float] = field(default_factory=dict)  # best of a score among the candidates
    reader: dict[int, float] = field(default_factory=dict)  # unit -> the reader's score
    verifier: dict[int, float] = field(default_factory=dict)  # unit -> the verifier's log-odds
    cache: dict = field(default_factory=dict)  # what scorers share within this question

    @functools.cached_property
    def terms_total(self) -> float:
        return sum(self.terms.values()) or 1.0


def question_context(question: Question, hits: list[Hit], index: IndexData) -> QuestionContext:
    text = question.text
    terms = question_terms(text, index)
    names = frozenset(w for w in question_names(text) & terms.keys()
                      if terms[w] >= MIN_NAME_WEIGHT)
    counts = CountedCheck(text, index)
    if question.kind != "number" and counts.measure is None:
        counts = None  # neither a count nor a measure is asked for
    attribute = frozenset(question.subject[-1:]) | frozenset(asked_event(text, question.kind))
    context = QuestionContext(
        question, index, hits, terms, names, counts, attribute,
        question.measure or names_measure(text), tuple(unknown_names(text, index)),
        tuple(never_mentioned(text, question.kind, index)), bool(ASKS_REASON.search(text)),
        bool(_ASKS_HOW.search(text)), bool(_ASKS_YES_NO.search(text)), asks_why(text))
    context.pair = pair_similarities(hits, index, question.vector)
    if hits:
        context.best = {"dense": max(h.dense for h in hits),
                        "window": max(h.window for h in hits),
                        "lexical": max(h.lexical for h in hits)}
    return context


def question_terms(question: str, index: IndexData) -> dict[str, float]:
    """The question's words, weighted by rarity in the corpus. A word the corpus never uses
    weighs nothing, unless it is a name: then it weighs as much as the rarest word, since
    asking about something the documents never name must count against every sentence."""
    terms: dict[str, float] = {}
    capitalised = {w for token in CAPITALISED.findall(question[1:]) for w in words(token)}
    rarest = index.bm25.rarest
    for word in words(_HOW_ADJECTIVE.sub("how", question)):
        if word in META_WORDS:
            continue
        weight = index.bm25.document_frequency(word)
        if weight == 0.0 and word in capitalised and not word.isdigit():
            weight = rarest
        terms[word] = max(terms.get(word, 0.0), weight)
    return terms


def pair_similarities(hits: list[Hit], index: IndexData, query_vector) -> dict[int, float]:
    """Similarity of the question to each sentence read together with the one before it, so
    that "But alone it is not enough." is found through what it answers."""
    if query_vector is None or not hits:
        return {h.unit_id: h.dense for h in hits}
    ids = [h.unit_id for h in hits]
    previous = [i - 1 if i > 0 and _continues(index.units[i - 1], index.units[i]) else i
                for i in ids]
    wanted = sorted(set(ids) | set(previous))
    vectors = index.vectors_for(wanted)
    position = {u: n for n, u in enumerate(wanted)}
    pair = {}
    for hit, prev in zip(ids, previous):
        v = vectors[position[hit]] + (vectors[position[prev]] if prev != hit else 0)
        pair[hit] = float(v @ query_vector / max(float(np.linalg.norm(v)), 1e-9))
    return pair


def _continues(before, unit) -> bool:
    return before.source == unit.source and before.section == unit.section and \
        unit.kind != "table_row"


def words_around(index: IndexData, unit_id: int) -> set[str]:
    """A unit's words with those of its section and its document's title."""
    unit = index.units[unit_id]
    return set(index.unit_words(unit_id)) | set(words(index.documents[unit.source].title))


def joined_match(word: str, text: str) -> bool:
    """"marenostrum" in the question matches "Mare Nostrum" in the text."""
    return len(word) > 6 and word in fold(text).replace(" ", "")
