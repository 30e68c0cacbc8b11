"""Answer: pick the source sentences that answer a question and cite each one, or abstain."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

from .errors import QuestionError
from .index import IndexData
from .lexical import fold, words
from .retrieve import Hit

NOT_ANSWERED = "The documents do not answer this question."

# Thresholds on cosine similarity (all-MiniLM-L6-v2) and on the share of the question's
# weighted words that a sentence holds: below both, a sentence is related, not an answer.
MIN_DENSE_ALONE = 0.62
MIN_DENSE = 0.30
MIN_COVERAGE = 0.34
EXTRA_SENTENCE_RATIO = 0.92


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
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    text = unicodedata.normalize("NFC", question)
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]", " ", text)
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
# What kind of fact is asked for


_NUMBER_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|" \
    r"fourteen|fifteen|twenty|thirty|fifty|hundred|thousand|million|billion|dozen|half|twice)"
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|" \
    r"November|December)"
_EXPECTS = [
    ("number", re.compile(r"\bhow (?:many|much|large|big|long|fast|often|old)\b|"
                          r"\b(?:what|which) (?:number|percentage|share|proportion|amount|"
                          r"size|capacity|performance|price|cost)\b|\bnumber of\b", re.I)),
    ("date", re.compile(r"\bwhen\b|\b(?:what|which) (?:year|date|month|day)\b|\bsince when\b",
                        re.I)),
    ("name", re.compile(r"^\s*(?:who|whom|whose)\b|\bwhich (?:\w+ ){0,2}"
                        r"(?:factory|factories|supercomputer|system|country|countries|city|"
                        r"company|organisation|organization|partner|region|project|model)\b|"
                        r"\bwhat is the name\b|\bname (?:of|the)\b", re.I)),
    ("place", re.compile(r"^\s*where\b|\bin which (?:city|country|region)\b", re.I)),
]
_HAS = {
    "number": re.compile(rf"\d|\b{_NUMBER_WORDS}\b", re.I),
    "date": re.compile(rf"\b(?:1[89]|20)\d\d\b|\b{_MONTHS}\b|\b(?:this|next|last) year\b",
                       re.I),
    "name": re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'&+-]*[A-Z0-9][\w’'&+-]*|"
                       r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+"),
    "place": re.compile(r"\bin [A-Z][\w-]+|(?<!^)\b[A-Z][a-z]+"),
}


def expected_kind(question: str) -> str | None:
    for kind, pattern in _EXPECTS:
        if pattern.search(question):
            return kind
    return None


# ---------------------------------------------------------------------------------------------
# Choosing sentences


@dataclass
class Scored:
    hit: Hit
    score: float
    coverage: float
    covered: set[str]
    type_match: bool


def compose_answer(question: str, hits: list[Hit], index: IndexData, max_sentences: int,
                   related_count: int) -> Answer:
    """The shortest set of sentences (1 to `max_sentences`) that answers the question, each
    cited; when none does, say so and offer the closest passages as related."""
    asked = _question_terms(question, index)
    kind = expected_kind(question)
    scored = [_score(hit, index, asked, kind) for hit in hits]
    scored.sort(key=lambda s: -s.score)

    unknown_names = _unknown_names(question, index)
    best = scored[0] if scored else None
    grounded = best is not None and not unknown_names and _is_answer(best)
    if not grounded:
        related = _distinct(scored, index)[:related_count]
        citations = [_citation(n + 1, s, index, related=True) for n, s in enumerate(related)]
        return Answer(question, NOT_ANSWERED, False, citations,
                      confidence=best.score if best else 0.0)

    chosen = [best]
    covered = set(best.covered)
    for candidate in _distinct(scored[1:], index, exclude=[best]):
        if len(chosen) >= max_sentences:
            break
        adds = candidate.covered - covered
        if candidate.score >= EXTRA_SENTENCE_RATIO * best.score and _is_answer(candidate) \
                and sum(asked.get(w, 0) for w in adds) >= 0.15 * sum(asked.values()):
            chosen.append(candidate)
            covered |= candidate.covered
    citations = [_citation(n + 1, s, index) for n, s in enumerate(chosen)]
    text = " ".join(f"{_as_sentence(c.quote)} [{c.id}]" for c in citations)
    return Answer(question, text, True, citations, confidence=best.score)


def _question_terms(question: str, index: IndexData) -> dict[str, float]:
    """The question's words, weighted by rarity in the corpus (words it never uses weigh 0)."""
    terms: dict[str, float] = {}
    for word in words(question):
        terms[word] = max(terms.get(word, 0.0), index.bm25.document_frequency(word))
    return terms


def _unknown_names(question: str, index: IndexData) -> list[str]:
    """Capitalised names in the question (not its first word) that no document mentions:
    a question about something the corpus never names cannot be answered from it."""
    unknown = []
    for match in re.finditer(r"(?<!^)(?<![.?!] )\b([A-Z][\w-]*[A-Za-z0-9])", question.strip()):
        token = match.group(1)
        folded = words(token)
        if folded and all(index.bm25.document_frequency(w) == 0 for w in folded):
            unknown.append(token)
    return unknown


def _score(hit: Hit, index: IndexData, asked: dict[str, float], kind: str | None) -> Scored:
    unit = index.units[hit.unit_id]
    present = set(words(f"{unit.section or ''} {unit.text}"))
    present |= {a + b for a, b in zip(*(2 * [words(unit.text)]))}
    joined = set(words(unit.text))
    for w in list(joined):
        present.add(w)
    covered = {w for w in asked if w in present or _joined_match(w, unit.text)}
    total = sum(asked.values()) or 1.0
    coverage = sum(asked[w] for w in covered) / total
    type_match = kind is not None and bool(_HAS[kind].search(unit.text))
    score = 0.55 * hit.dense + 0.35 * coverage + (0.08 if type_match else 0.0)
    if kind is not None and not type_match:
        score -= 0.08
    return Scored(hit, score, coverage, covered, type_match)


def _joined_match(word: str, text: str) -> bool:
    """"marenostrum" in the question matches "Mare Nostrum" in the text."""
    return len(word) > 6 and word in fold(text).replace(" ", "")


def _is_answer(s: Scored) -> bool:
    return s.hit.dense >= MIN_DENSE_ALONE or (s.hit.dense >= MIN_DENSE and
                                             s.coverage >= MIN_COVERAGE)


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
