"""Answer: pick the source sentences that answer a question and cite each one, or abstain."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

import numpy as np

from .errors import QuestionError
from .index import IndexData
from .lexical import STOPWORDS, fold, without_urls, words
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
# What kind of fact is asked for


_NUMBER = re.compile(r"\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                     r"twelve|thirteen|fourteen|fifteen|twenty|thirty|forty|fifty|hundred|"
                     r"thousand|million|billion|trillion|dozen|half|twice|twofold|threefold|"
                     r"fourfold|quarter|third)s?\b", re.I)
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|" \
    r"November|December)"
_DATE = re.compile(rf"\b(?:19|20)\d\d\b|\b{_MONTHS}\b|\b(?:this|next|last) year\b|"
                   r"\bby the end of\b|\bsince\b", re.I)
_DAY = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}\b|\b{_MONTHS} \d{{1,2}}\b|"
                  r"\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/(?:19|20)?\d\d\b")
_CAPITALISED = re.compile(r"\b[A-Z][\w’'&+-]*")
_EXPECTS = [
    ("number", re.compile(r"\bhow (?:many|much|large|big|long|fast|often|old)\b|"
                          r"\bthe (?:maximum|minimum|longest|shortest|max|min)\b|"
                          r"\b(?:what|which) (?:number|percentage|share|proportion|amount|"
                          r"size|capacity|performance|price|cost|rank)\b|\bnumber of\b", re.I)),
    # "On what date", "exact date": a year alone does not answer.
    ("day", re.compile(r"\b(?:what|which|exact) (?:date|day)\b", re.I)),
    ("date", re.compile(r"\bwhen\b|\b(?:what|which) (?:year|date|month|day)\b|\bsince when\b",
                        re.I)),
    # "Which country ..." or "In which city ...", not "... for which factory access is ...".
    ("name", re.compile(r"^\s*(?:who|whom|whose)\b|^\W*(?:\w+\s+)?which (?:\w+ ){0,2}"
                        r"(?:factory|factories|supercomputer|supercomputers|system|systems|"
                        r"country|countries|city|cities|company|companies|organisation|"
                        r"organization|partner|partners|region|project|model)\b|"
                        r"\bwhat is the name\b|\bname (?:of|the)\b", re.I)),
    ("place", re.compile(r"^\s*where\b|\bin which (?:city|country|region|town)\b", re.I)),
]
# Words that point at the documents rather than at what is asked about.
_META_WORDS = frozenset(words("brief paper report document documents authors author according "
                              "say says mention mentions describe describes state states "
                              "policy put simply "
                              # how a question frames what it asks, and fillers
                              "see think consider view regard believe argue overall generally "
                              "basically actually really exactly roughly"))


# "according to the brief", "per the map", "in the supercomputers table": which document.
_NAMES_DOCUMENT = re.compile(r"\b(?:according to|per|in|from|by|on) (?:the |this |that |its |)"
                             r"((?:[\w-]+ ){0,2}(?:brief|paper|report|map|table|list|guide|"
                             r"document|file|page|csv|spreadsheet))\b", re.I)


def document_references(question: str) -> list[set[str]]:
    """What a question says it asks about ("according to the brief", "in the EuroHPC
    supercomputers table"), as word sets to find in a sentence's file path, title and section:
    the whole reference, the words before the kind of document, and the kind alone."""
    found = []
    for match in _NAMES_DOCUMENT.finditer(question):
        reference = words(match.group(1))
        found += [set(reference), set(reference[:-1]), {reference[-1]}] if reference else []
    return [r for r in found if r]


def _is_referenced(references: list[set[str]], index: IndexData, unit_id: int) -> bool:
    unit = index.units[unit_id]
    described = set(words(" ".join((unit.source.replace("/", " ").replace("_", " "),
                                    index.documents[unit.source].title, unit.section or ""))))
    # The most specific reference that any document answers to decides.
    return any(reference <= described for reference in references)


def expected_kind(question: str) -> str | None:
    for kind, pattern in _EXPECTS:
        if pattern.search(question):
            return kind
    return None


def brings_new(kind: str, question: str, text: str) -> bool:
    """Does the sentence hold a fact of the asked-for kind that the question does not?"""
    asked = fold(question)
    if kind == "number":
        return any(fold(m) not in asked for m in _NUMBER.findall(text))
    if kind == "date":
        return any(fold(m) not in asked for m in _DATE.findall(text))
    if kind == "day":
        return any(fold(m) not in asked for m in _DAY.findall(text))
    question_words = set(words(question))
    for m in _CAPITALISED.finditer(text):
        if m.start() > 0 and set(words(m.group())) - question_words:
            return True
    return False


_HOW_MANY = re.compile(r"\bhow (?:many|much)\s+(?!(?:more|less|fewer)\b)([\w-]+(?:\s+[\w-]+){0,3})",
                       re.I)
# A number this close in meaning to what is counted ("10 billion euros" to "money") counts it.
MIN_COUNTED_SIMILARITY = 0.17


def counted_thing(question: str) -> str | None:
    """What a "how many" or "how much" question counts ("GPUs", "EU funding"), or None when it
    does not say ("How much is ...", "How much more ...")."""
    match = _HOW_MANY.search(question)
    if not match:
        return None
    many = fold(match.group()).startswith("how many")
    kept: list[str] = []
    for token in match.group(1).split():
        folded = fold(token)
        if folded in ("or", "and") and kept:
            kept.append(token)  # "how many bids or expressions of interest"
            continue
        if not words(token) or folded in STOPWORDS:
            break
        if many and kept and _is_plural(kept[-1]):
            break  # "how many sites sit in ...": the count ends at its plural noun
        kept.append(token)
    while kept and fold(kept[-1]) in ("or", "and"):
        kept.pop()
    return " ".join(kept) or None


def _is_plural(token: str) -> bool:
    token = fold(token)
    return len(token) > 3 and token.endswith("s") and not token.endswith("ss")


def number_phrases(text: str) -> list[str]:
    """Each number in the text with the word before it and three after: "of 10 billion euros
    already"."""
    tokens = without_urls(text).split()
    return [" ".join(tokens[max(0, n - 1):n + 4]) for n, token in enumerate(tokens)
            if _NUMBER.search(token)]


# Measures a "how many/much" question can ask for, each with the words that ask for it and the
# units a sentence states it in. "How many megawatts does JUPITER draw?" is not answered by its
# petaflops, nor "How much does a GPU hour cost?" by a count of GPU hours.
_MEASURES = {
    # measure: (words that ask for it, names of its units, its units as written after a number)
    "money": (r"money|fund(?:s|ing)?|budget|cost|costs|price|prices|priced|worth|pay|paid|spend|"
              r"spent|invest(?:ed|ment|ments)?|fines?|penalty|penalties|fees?|tax|taxes|salary|"
              r"salaries|wages?|revenue|turnover|profits?|income|subsidy|subsidies|loans?",
              r"euros?|dollars?",
              r"[€$£]|\b(?:euros?|dollars?|pounds?|EUR|USD|GBP)\b"),
    "power": (r"electricity|energy",
              r"watts?|kilowatts?|megawatts?|gigawatts?|kwh|mwh|gwh",
              r"\b\d[\d,.]*\s*(?:[kMG]Wh?|TWh)\b|\b(?:kilo|mega|giga)?watts?\b"),
    "storage": (r"storage|memory|disk",
                r"bytes|terabytes|petabytes|gigabytes",
                r"\b\d[\d,.]*\s*(?:[KMGTPE]i?B)\b|\b(?:kilo|mega|giga|tera|peta|exa)?bytes\b"),
    "time": (r"long|longest|shortest|time|duration|period",
             r"days|weeks|months|years|hours|minutes",
             r"\b(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b"),
    "compute": (r"",
                r"petaflops?|exaflops?|teraflops?|flops",
                r"\b\d[\d,.]*\s*(?:[TPE]F(?:LOPS)?|[TPE]flops)\b|\b(?:tera|peta|exa)?flops?\b"),
}


def _names_measure(text: str, with_unit_names_only: bool = False) -> str | None:
    for measure, (asking, unit_names, _units) in _MEASURES.items():
        pattern = unit_names if with_unit_names_only or not asking else f"{asking}|{unit_names}"
        if re.search(rf"\b(?:{pattern})\b", fold(text)):
            return measure
    return None


_WHAT_IS = re.compile(r"\W*(?:what|which)(?:['’]s|\s+(?:is|was|are|were|will be))\s+"
                      r"(.+?)(?=\s+(?:of|for|in|at|on|to|from|by|per|with)\b|[?.!,]|$)", re.I)


def asked_measure(question: str) -> str | None:
    """The measure a question asks for, when it names one: in what a "how many/much" question
    counts ("how many megawatts", "how much EU funding"), in the rest of one that counts nothing
    named ("how much does a GPU hour cost"), or in the units it asks in ("... in petaflops")."""
    if re.search(r"\bby how much\b|\bhow much (?:more|less)\b", question, re.I):
        return None  # a ratio or a difference, in any units
    match = re.search(r"\bhow (?:many|much|long)\b(.*)", question, re.I)
    if match is None:
        subject = _WHAT_IS.match(question)
        if subject and _names_measure(subject.group(1)):
            return _names_measure(subject.group(1))  # "What is the total budget of ..."
        units_asked = re.findall(r"\bin (\w+)", question, re.I)
        return _names_measure(" ".join(units_asked), with_unit_names_only=True)
    if fold(match.group()).startswith("how long"):
        return "time"
    counted = counted_thing(question)
    return _names_measure(counted if counted is not None else match.group(1))


def states_measure(measure: str, text: str) -> bool:
    return re.search(_MEASURES[measure][2], without_urls(text), re.I) is not None


class CountedCheck:
    """Does a sentence count what the question counts? When the question asks for a measure
    (money, power, storage, time), one of the sentence's numbers must be stated in its units.
    Otherwise the counted word is in the sentence, or one of its numbers reads like a count of
    it ("10 billion euros" for "money", "five factories" for "sites")."""

    def __init__(self, question: str, index: IndexData, encode) -> None:
        self.counted = counted_thing(question)
        self.measure = asked_measure(question)
        self.index = index
        self.encode = encode
        self._vector = None

    def __call__(self, unit_id: int) -> bool:
        text = self.index.units[unit_id].text
        if self.measure is not None:
            return states_measure(self.measure, text)
        if self.counted is None or set(words(self.counted)) & self.index.unit_words(unit_id):
            return True
        if self.encode is None:
            return True  # without the model, no grounds to doubt the sentence
        phrases = number_phrases(text)
        if not phrases:
            return False
        if self._vector is None:
            self._vector = self.encode([self.counted])[0]
        return float(np.max(self.encode(phrases) @ self._vector)) >= MIN_COUNTED_SIMILARITY


_AUXILIARY_OR_PREPOSITION = (r"(?:do|does|did|is|are|was|were|can|could|will|would|has|have|"
                             r"had|should|must|might|of|for|in|on|at|from|with|by)\b|"
                             # a verb and its object: "... source powers the ...", "keeps JUPITER"
                             r"\w+s\s+(?:the\b|a\b|an\b|its\b|their\b|(?-i:[A-Z]))")
# The noun phrase a question asks for, ended by an auxiliary or a preposition so that a verb
# ("What motivates cities to ...") is not taken for it.
_ASKED_ABOUT = re.compile(
    r"^\W*(?:\w+\s+)?(?:what|which)\s+(?:(?:sort|kind|type|types|kinds)\s+of\s+)?"
    rf"((?:[\w-]+\s+){{0,2}}?[\w-]+)\s+(?={_AUXILIARY_OR_PREPOSITION})"
    r"|^\W*who\s+(?:is|was|are|were)\s+(?:the\s+)?((?:[\w-]+\s+){0,2}?[\w-]+)\s*"
    r"(?=(?:of|for|in|at|on)\b|\?|$)", re.I)
# Nouns that say what kind of answer is wanted rather than what it is about ("what
# proportion", "which machine", "what rank"), and abstract ones the documents may well
# discuss in other words ("what obstacles", "what options").
_ANSWER_TYPE_NOUNS = frozenset(words(
    "proportion share percentage percent number amount quantity figure factor ratio rate "
    "timeframe period time date year month day duration machine system computer thing body "
    "organisation organization entity institution place location site area region country "
    "city town kind type sort way reason role purpose name term word example rank ranking "
    "position spot standing level score status stage size capacity value total count "
    "obstacle barrier challenge problem issue risk benefit advantage disadvantage weakness "
    "strength option alternative criterion criteria lesson recommendation goal aim objective "
    "motivation cause effect impact consequence implication trend pattern approach strategy "
    "practice method process step measure requirement condition feature characteristic "
    "aspect difference similarity change development idea point conclusion finding"))


def _event(question: str, kind: str | None) -> list[str]:
    """For "when was X inaugurated?", the event the date is asked of: the question's last word."""
    if kind not in ("date", "day"):
        return []
    last = re.search(r"(\w+)\W*$", question)
    return words(last.group(1))[-1:] if last else []


def asked_about(question: str) -> list[str]:
    """The words of what a "what X", "which X" or "who is the X" question asks for ("cooling
    technology", "vendor", "executive director"), less nouns that only name a kind of answer."""
    match = _ASKED_ABOUT.search(question)
    if not match:
        return []
    return [w for w in words(match.group(1) or match.group(2)) if w not in _ANSWER_TYPE_NOUNS]


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
    references = document_references(question)
    if references:
        for s in scored:
            if _is_referenced(references, index, s.hit.unit_id):
                s.score += W_NAMED_DOCUMENT
    scored.sort(key=lambda s: -s.score)

    counts = CountedCheck(question, index, encode) \
        if kind == "number" or asked_measure(question) else None

    def is_answer(s: Scored) -> bool:
        return _is_answer(s) and (counts is None or counts(s.hit.unit_id))

    best = scored[0] if scored else None
    if counts is not None and best is not None and not counts(best.hit.unit_id):
        # The closest sentence counts something else; a close runner-up about the same named
        # things may count the right one.
        names = _question_names(question) & index.unit_words(best.hit.unit_id)
        best = next((s for s in scored[1:max_sentences]
                     if s.score >= EXTRA_SENTENCE_RATIO * best.score and is_answer(s)
                     and names <= _words_around(index, s.hit.unit_id)), best)
    # What the question asks for is a thing the documents never mention: "What cooling
    # technology does Leonardo use?" is not answered by a row about Leonardo.
    never_mentioned = [w for w in asked_about(question) + _event(question, kind)
                       if not w.isdigit() and index.bm25.document_frequency(w) == 0]
    grounded = best is not None and is_answer(best) and not never_mentioned and (
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


# "How long", "how big": the adjective names the kind of answer, not what it is about.
_HOW_ADJECTIVE = re.compile(r"\bhow (?:long|big|large|far|old|often|fast|soon|high|wide)\b", re.I)


def _question_terms(question: str, index: IndexData) -> dict[str, float]:
    """The question's words, weighted by rarity in the corpus. A word the corpus never uses
    takes the weight of its closest spelling there ("organisation" for "organization"), or,
    when it is a name, the weight of the rarest word: asking about something the documents
    never name must count against every sentence."""
    terms: dict[str, float] = {}
    names = {w for token in _CAPITALISED.findall(question[1:]) for w in words(token)}
    rarest = float(index.bm25.idf.max()) if len(index.bm25.idf) else 1.0
    for word in words(_HOW_ADJECTIVE.sub("how", question)):
        if word in _META_WORDS:
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


def _question_names(question: str) -> set[str]:
    """The words of the names in a question (capitalised, not its first word), leaving out
    words like "Swiss" or "Finnish" whose country may be named instead."""
    return {w for m in _CAPITALISED.finditer(question)
            if m.start() > 0 and not _DEMONYM.search(m.group()) and m.group() not in _DEMONYMS
            for w in words(m.group())}


_DEMONYMS = frozenset("Swiss French Dutch Danish Czech Greek Irish Polish Spanish Swedish Finnish "
                      "British Turkish Slovak Luxembourgish".split())
_DEMONYM = re.compile(r"(?:ish|ese|ian|ean|ican)$")


def unknown_names(question: str, index: IndexData) -> list[str]:
    """Names in the question (capitalised, not its first word) that no document mentions, not
    even run together ("MareNostrum") or as a word like "Finnish" whose country may be named."""
    unknown = []
    for match in _CAPITALISED.finditer(question):
        token = re.sub(r"[’']s?$", "", match.group())
        if match.start() == 0 or len(token) < 3 or _DEMONYM.search(token) or \
                token in _DEMONYMS:
            continue
        folded = words(token)
        if folded and all(index.bm25.document_frequency(w) == 0 for w in folded):
            unknown.append(token)
    return unknown


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
    names_missing = bool((_question_names(question) & asked.keys()) - covered)
    return Scored(hit, score, coverage, covered, hit.dense, has_kind, names_missing)


_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]s?\b")  # "GPAI", "HPC", "EuroHPC JU", "LLMs"
_WORD_RUN = re.compile(r"[^\W\d_]+")


def acronym_matches(question: str, text: str) -> set[str]:
    """Question words that an acronym stands for: "general-purpose AI" in the question and
    "GPAI" in the text, or "HPC" in the question and "high-performance computing" in the
    text. Returns the question's words (as `words` gives them) that are matched this way."""
    matched: set[str] = set()
    for spelled, short in ((question, text), (text, question)):
        acronyms = {a.rstrip("s") for a in _ACRONYM.findall(short) if a.isupper() or
                    a.rstrip("s").isupper()}
        # "AI" would be any two words; an acronym both texts use needs no spelling out.
        folded = fold(spelled)
        acronyms = {a for a in acronyms if len(a) >= 3 and a.lower() not in folded}
        if not acronyms:
            continue
        prefixes = {a[:n] for a in acronyms for n in range(1, len(a) + 1)}
        runs = _WORD_RUN.findall(spelled)
        for first in range(len(runs)):
            initials = ""
            for last in range(first, min(first + 6, len(runs))):
                run = runs[last]
                initials += run if run.isupper() and len(run) > 1 else run[0].upper()
                if initials not in prefixes:
                    break
                if last > first and initials in acronyms:
                    words_spelled = words(" ".join(runs[first:last + 1]))
                    matched |= set(words_spelled) if spelled is question else \
                        set(words(initials))
    return matched


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
