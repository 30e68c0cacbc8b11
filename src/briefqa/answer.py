"""Answer: pick the source sentences that answer a question and cite each one, or abstain."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

import numpy as np

from .errors import QuestionError
from .index import IndexData
from .lexical import fold, without_urls, words
from .question import (
    CAPITALISED,
    META_WORDS,
    CountedCheck,
    acronym_matches,
    brings_new,
    document_references,
    expected_kind,
    is_referenced,
    never_mentioned,
    question_names,
    unknown_names,
)
from .retrieve import Hit

NOT_ANSWERED = "The documents do not answer this question."

# Thresholds on cosine similarity (all-MiniLM-L6-v2) and on the share of the question's
# weighted words that a sentence holds: below both, a sentence is related, not an answer.
MIN_DENSE_ALONE = 0.66
MIN_DENSE = 0.40
MIN_COVERAGE = 0.30
# Most of the question's words, in a sentence the model reads as at least loosely related
# (long sentences listing many things score low with MiniLM).
MIN_COVERAGE_ALONE = 0.60
MIN_DENSE_WITH_MOST_WORDS = 0.20
# A question naming something no document mentions needs a very close sentence to be answered.
MIN_DENSE_DESPITE_UNKNOWN_NAME = 0.75
# A runner-up this close to the best sentence is shown with it.
EXTRA_SENTENCE_RATIO = 0.88


@dataclass
class Citation:
    id: int
    source: str
    title: str
    section: str | None
    page: int | None
    quote: str
    start: int
    end: int
    # The passage around the quote (its paragraph, a few sentences at most), for reading.
    context: str = ""
    context_start: int = 0
    related: bool = False
    score: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    question: str
    text: str
    grounded: bool
    citations: list[Citation] = field(default_factory=list)
    confidence: float = 0.0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"question": self.question, "text": self.text, "grounded": self.grounded,
                "confidence": round(self.confidence, 4), "seconds": round(self.seconds, 4),
                "citations": [c.to_dict() for c in self.citations]}

    def to_markdown(self) -> str:
        """The answer and its numbered sources, ready to paste."""
        lines = [self.text, ""]
        for c in self.citations:
            where = " · ".join(x for x in (c.title, c.section,
                                          f"p. {c.page}" if c.page else None) if x)
            label = "related" if c.related else f"[{c.id}]"
            lines.append(f"{label} {where} ({c.source})")
            lines.append(f"> {c.quote}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def normalise_question(question: object, max_chars: int) -> str:
    """One line of visible text, or a QuestionError that says what is wrong with it."""
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    # Refuse the grossly long before any work on it: a megabyte of spaces costs nothing then.
    if len(question) > 4 * max_chars and len(question.strip()) > max_chars:
        raise QuestionError(f"the question is {len(question):,} characters long; the limit is "
                            f"{max_chars:,}: ask something shorter")
    text = unicodedata.normalize("NFC", question)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff"
                  r"\ud800-\udfff]", " ", text)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("the question is empty: type a question about the documents")
    if len(text) > max_chars:
        raise QuestionError(f"the question is {len(text):,} characters long; the limit is "
                            f"{max_chars:,}: ask something shorter")
    if not re.search(r"\w", text):
        raise QuestionError("the question has no words to look for")
    return text


# ---------------------------------------------------------------------------------------------
# Choosing sentences

# Weights of the evidence a sentence holds; see _score.
W_DENSE, W_DENSE_PAIR, W_COVERAGE, W_KIND, W_SHORT = 0.4, 0.4, 0.35, 0.2, 0.2
W_NAMED_DOCUMENT = 0.35  # a sentence from the document the question names


@dataclass
class Scored:
    hit: Hit
    score: float
    coverage: float
    covered: set[str]
    dense: float
    has_kind: bool  # holds a new fact of the asked-for kind (or no kind was asked for)
    names_missing: bool = False  # a name in the question is not in the sentence


def compose_answer(question: str, hits: list[Hit], index: IndexData, query_vector,
                   max_sentences: int, related_count: int, encode=None) -> Answer:
    """The shortest set of sentences (1 to `max_sentences`) that answers the question, each
    cited; when none does, say so and offer the closest passages as related. `encode` (texts
    to unit vectors) lets a "how many X" question check that a number counts X."""
    asked = _question_terms(question, index)
    kind = expected_kind(question)
    pair_dense = _pair_similarities(hits, index, query_vector)
    scored = [_score(hit, pair_dense[hit.unit_id], index, question, asked, kind)
              for hit in hits]
    _prefer_named_documents(scored, question, index)
    scored.sort(key=lambda s: -s.score)

    counts = CountedCheck(question, index, encode)
    if kind != "number" and counts.measure is None:
        counts = None  # neither a count nor a measure is asked for

    def is_answer(s: Scored) -> bool:
        return _is_answer(s) and (counts is None or counts(s.hit.unit_id))

    best = scored[0] if scored else None
    if counts is not None and best is not None and not counts(best.hit.unit_id):
        # The closest sentence counts something else; a close runner-up about the same named
        # things may count the right one.
        names = question_names(question) & index.unit_words(best.hit.unit_id)
        best = next((s for s in scored[1:max_sentences]
                     if s.score >= EXTRA_SENTENCE_RATIO * best.score and is_answer(s)
                     and names <= _words_around(index, s.hit.unit_id)), best)
    grounded = best is not None and is_answer(best) and \
        not never_mentioned(question, kind, index) and (
        best.dense >= MIN_DENSE_DESPITE_UNKNOWN_NAME or not unknown_names(question, index))
    if not grounded:
        related = _distinct(scored, index)[:related_count]
        citations = [_citation(n + 1, s, index, related=True) for n, s in enumerate(related)]
        return Answer(question, NOT_ANSWERED, False, citations,
                      confidence=best.score if best else 0.0)

    chosen = [best]
    for candidate in _distinct([s for s in scored if s is not best], index, exclude=[best]):
        # A close runner-up is shown too: two cited sentences beat one wrong one.
        if len(chosen) >= max_sentences or candidate.score < EXTRA_SENTENCE_RATIO * best.score:
            break
        if is_answer(candidate):
            chosen.append(candidate)
    citations = [_citation(n + 1, s, index) for n, s in enumerate(chosen)]
    text = " ".join(f"{_as_sentence(c.quote)} [{c.id}]" for c in citations)
    return Answer(question, text, True, citations, confidence=best.score)


def _prefer_named_documents(scored: list[Scored], question: str, index: IndexData) -> None:
    """"According to the brief": sentences from the document the question names score more."""
    references = document_references(question)
    if references:
        for s in scored:
            if is_referenced(references, index, s.hit.unit_id):
                s.score += W_NAMED_DOCUMENT


# "How long", "how big": the adjective names the kind of answer, not what it is about.
_HOW_ADJECTIVE = re.compile(r"\bhow (?:long|big|large|far|old|often|fast|soon|high|wide)\b", re.I)


def _question_terms(question: str, index: IndexData) -> dict[str, float]:
    """The question's words, weighted by rarity in the corpus. A word the corpus never uses
    weighs nothing, unless it is a name: then it weighs as much as the rarest word, since
    asking about something the documents never name must count against every sentence."""
    terms: dict[str, float] = {}
    names = {w for token in CAPITALISED.findall(question[1:]) for w in words(token)}
    rarest = float(index.bm25.idf.max()) if len(index.bm25.idf) else 1.0
    for word in words(_HOW_ADJECTIVE.sub("how", question)):
        if word in META_WORDS:
            continue
        weight = index.bm25.document_frequency(word)
        if weight == 0.0 and word in names and not word.isdigit():
            weight = rarest
        terms[word] = max(terms.get(word, 0.0), weight)
    return terms


def _words_around(index: IndexData, unit_id: int) -> set[str]:
    """A unit's words with those of its section and its document's title."""
    unit = index.units[unit_id]
    return set(index.unit_words(unit_id)) | set(words(index.documents[unit.source].title))


def _pair_similarities(hits: list[Hit], index: IndexData, query_vector) -> dict[int, float]:
    """Similarity of the question to each sentence read together with the one before it, so
    that "But alone it is not enough." is found through what it answers."""
    ids = [h.unit_id for h in hits]
    previous = [i - 1 if i > 0 and _continues(index.units[i - 1], index.units[i]) else i
                for i in ids]
    vectors = index.vectors_for(sorted(set(ids) | set(previous)))
    position = {u: n for n, u in enumerate(sorted(set(ids) | set(previous)))}
    pair = {}
    for hit, prev in zip(ids, previous):
        v = vectors[position[hit]] + (vectors[position[prev]] if prev != hit else 0)
        pair[hit] = float(v @ query_vector / max(float(np.linalg.norm(v)), 1e-9))
    return pair


def _continues(before, unit) -> bool:
    return before.source == unit.source and before.section == unit.section and \
        unit.kind != "table_row"


def _score(hit: Hit, pair_dense: float, index: IndexData, question: str,
           asked: dict[str, float], kind: str | None) -> Scored:
    unit = index.units[hit.unit_id]
    present = index.unit_words(hit.unit_id)
    covered = {w for w in asked if w in present or _joined_match(w, unit.text)}
    covered |= acronym_matches(question, unit.text) & asked.keys()
    total = sum(asked.values()) or 1.0
    coverage = sum(asked[w] for w in covered) / total
    score = W_DENSE * hit.dense + W_DENSE_PAIR * pair_dense + W_COVERAGE * coverage
    has_kind = kind is None or brings_new(kind, question, unit.text)
    if kind is not None:
        score += W_KIND if has_kind else -W_KIND
    if len(without_urls(unit.text).split()) < 5:  # "Resource: LUMI docs; URL: https://…"
        score -= W_SHORT
    names_missing = bool((question_names(question) & asked.keys()) - covered)
    return Scored(hit, score, coverage, covered, hit.dense, has_kind, names_missing)


def _joined_match(word: str, text: str) -> bool:
    """"marenostrum" in the question matches "Mare Nostrum" in the text."""
    return len(word) > 6 and word in fold(text).replace(" ", "")


def _is_answer(s: Scored) -> bool:
    """Close enough in meaning, or in meaning and words, or in most words and every name; and,
    for "how many" or "when" questions, holding a number or date the question does not already
    give."""
    close = s.dense >= MIN_DENSE_ALONE or \
        (s.dense >= MIN_DENSE and s.coverage >= MIN_COVERAGE) or \
        (s.dense >= MIN_DENSE_WITH_MOST_WORDS and s.coverage >= MIN_COVERAGE_ALONE
         and not s.names_missing)
    return close and s.has_kind


def _distinct(scored: list[Scored], index: IndexData, exclude=()) -> list[Scored]:
    """Drop sentences whose text repeats one already kept (the same text in two files)."""
    seen = {fold(index.units[s.hit.unit_id].text) for s in exclude}
    out = []
    for s in scored:
        key = fold(index.units[s.hit.unit_id].text)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _citation(number: int, s: Scored, index: IndexData, related: bool = False) -> Citation:
    unit = index.units[s.hit.unit_id]
    document = index.documents[unit.source]
    context = document.text[unit.context_start:unit.context_end]
    return Citation(number, unit.source, document.title, unit.section, unit.page,
                    document.text[unit.start:unit.end], unit.start, unit.end, context,
                    unit.context_start, related, round(s.score, 4))


def _as_sentence(quote: str) -> str:
    return " ".join(quote.split())
