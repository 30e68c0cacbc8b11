"""Extractive: the default Answerer: choose the documents' own sentences that answer a question
and cite each one, or abstain; questions with parts, disagreements and the short answer."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from .answer import NOT_ANSWERED, Answer, Citation, Disagreement, Span
from .figures import figure_near, short_span
from .lexical import fold, without_urls, words
from .question import (
    CAPITALISED,
    META_WORDS,
    CountedCheck,
    Question,
    acronym_matches,
    asked_event,
    brings_new,
    is_referenced,
    names_measure,
    never_mentioned,
    question_names,
    states_measure,
    unknown_names,
)
from .retrieve import Hit
from .settings import AnswerSettings, Settings
from .store import IndexData


class ExtractiveAnswerer:
    """The default: the documents' own sentences, chosen and cited (see `compose_answer`)."""

    mode = "extractive"

    def __init__(self, settings: Settings, encode=None) -> None:
        self.settings = settings
        self.encode = encode  # texts -> unit vectors, for "how many X" checks

    def answer(self, question: Question, hits: list[Hit], index: IndexData) -> Answer:
        if not question.parts:
            answer = compose_answer(question, hits, index, self.settings, encode=self.encode)
        else:
            # Each part is answered by its own sentences, the best for it among all candidates.
            per_part = self.settings.with_(max_answer_sentences=PART_SENTENCES)
            answer = merge_parts(question, [
                compose_answer(part, rescored(hits, part, index), index, per_part,
                               encode=self.encode) for part in question.parts])
        if answer.grounded:
            # Retrieval already scored each candidate against the whole question; only the
            # parts' candidates need scoring against it anew.
            closest = rescored(hits, question, index) if question.parts else \
                sorted(hits, key=lambda h: -h.dense)
            add_disagreements(answer, question, closest, index,
                              self.settings.answer.min_dense)
            answer.short = short_answer(answer, question)
        return answer


def short_answer(answer: Answer, question: Question) -> Span | None:
    """The figure, date or name that answers, as a span of the first cited quote."""
    if not answer.citations or question.parts:
        return None
    c = answer.citations[0]
    kind = question.kind or ("number" if question.measure else None)  # "What is X's budget?"
    span = short_span(c.quote, kind, question.text, set(question.names), question.measure)
    if span is None:
        return None
    return Span(c.quote[span[0]:span[1]], c.id, c.start + span[0], c.start + span[1])


def add_disagreements(answer: Answer, question: Question, hits: list[Hit], index: IndexData,
                      min_dense: float) -> None:
    """Where two documents give different figures for what the question names, show both:
    among the cited quotes, or else from the closest candidate of another document that
    names the same things and states the figure in the same measure."""
    names = set(question.names)
    cited = [(c, figure_near(c.quote, names)) for c in answer.citations if not c.related]
    cited = [(c, f) for c, f in cited if f is not None]
    if not cited:
        return
    pairs = [(a, b) for n, a in enumerate(cited) for b in cited[n + 1:]
             if a[0].source != b[0].source and a[1].same_measure(b[1]) and a[1].differs(b[1])]
    if not pairs and names:
        first, figure = cited[0]
        for hit in hits:
            unit = index.units[hit.unit_id]
            if unit.source == first.source or hit.dense < min_dense or \
                    not names <= index.unit_words(hit.unit_id):
                continue
            other = figure_near(unit.text, names)
            if other is not None and other.same_measure(figure) and other.differs(figure):
                extra = _citation(len(answer.citations) + 1, Scored(
                    hit, hit.dense, 0.0, set(), hit.dense, True), index)
                answer.citations.append(extra)
                answer.text += f" {_as_sentence(extra.quote)} [{extra.id}]"
                pairs = [((first, figure), (extra, other))]
                break
    for (a, fa), (b, fb) in pairs[:2]:
        spans = [Span(c.quote[f.start:f.end], c.id, c.start + f.start, c.start + f.end)
                 for c, f in ((a, fa), (b, fb))]
        about = " ".join(sorted(w for w in question.names)) or "this"
        answer.disagreements.append(Disagreement(about, spans))
        answer.notes.append(
            f"The documents differ: {spans[0].text} in “{a.title}” [{a.id}], {spans[1].text} in "
            f"“{b.title}” [{b.id}].")


PART_SENTENCES = 2  # sentences that may answer one part of a question with several


def rescored(hits: list[Hit], question: Question, index: IndexData) -> list[Hit]:
    """The candidates with their similarity to one part of the question, best first."""
    if question.vector is None or not hits:
        return hits
    dense = index.vectors_for([h.unit_id for h in hits]) @ question.vector
    out = [Hit(h.unit_id, float(d), h.lexical, h.fused) for h, d in zip(hits, dense)]
    return sorted(out, key=lambda h: -h.dense)


def _renumbered(text: str, numbers: dict[int, int]) -> str:
    """The text with its [n] markers numbered as `numbers` says."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m.group(1)), m.group(1))}]", text)


def merge_parts(question: Question, answers: list[Answer]) -> Answer:
    """One answer from the answers to each part: their sentences in turn, citations numbered
    anew (a passage two parts cite keeps one number), and a plain note for a part the
    documents do not answer."""
    citations: list[Citation] = []
    numbers: dict[tuple, int] = {}
    texts, unanswered = [], []
    for part, answer in zip(question.parts, answers):
        if not answer.grounded:
            unanswered.append(part.text)
            continue
        if all((c.source, c.start, c.end) in numbers for c in answer.citations):
            continue  # what answers this part answers an earlier one too: said once
        renumber = {}
        for c in answer.citations:
            key = (c.source, c.start, c.end)
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(dataclasses.replace(c, id=numbers[key]))
            renumber[c.id] = numbers[key]
        texts.append(_renumbered(answer.text, renumber))
    if not texts:  # no part is answered: say so once, with the closest passages
        related = [c for a in answers for c in a.citations][:3]
        related = [dataclasses.replace(c, id=n + 1) for n, c in enumerate(related)]
        return Answer(question.text, NOT_ANSWERED, False, related)
    notes = [f"The documents do not answer this part: “{text.rstrip('?')}”."
             for text in unanswered]
    grounded = [a for a in answers if a.grounded]
    return Answer(question.text, " ".join(texts), True, citations,
                  confidence=min(a.confidence for a in grounded), notes=notes)


# ---------------------------------------------------------------------------------------------
# Choosing sentences


@dataclass
class Scored:
    hit: Hit
    score: float
    coverage: float
    covered: set[str]
    dense: float
    has_kind: bool  # holds a new fact of the asked-for kind (or no kind was asked for)
    names_missing: bool = False  # a name in the question is not in the sentence


def compose_answer(question: Question, hits: list[Hit], index: IndexData, settings: Settings,
                   encode=None) -> Answer:
    """The shortest set of sentences (1 to `max_answer_sentences`) that answers the question,
    each cited; when none does, say so and offer the closest passages as related. `encode`
    (texts to unit vectors) lets a "how many X" question check that a number counts X."""
    tuning = settings.answer
    text, kind = question.text, question.kind
    asked = _question_terms(text, index)
    pair_dense = _pair_similarities(hits, index, question.vector)
    scored = [_score(hit, pair_dense[hit.unit_id], index, text, asked, kind, tuning)
              for hit in hits]
    _prefer_named_documents(scored, question, index, tuning, asked)
    scored.sort(key=lambda s: -s.score)

    counts = CountedCheck(text, index, encode, tuning.min_counted_similarity)
    if kind != "number" and counts.measure is None:
        counts = None  # neither a count nor a measure is asked for

    attribute = asked_attribute(question)
    measure = question.measure or names_measure(text)  # "performance" is held by "65 PFlops"

    def holds_attribute(s: Scored) -> bool:
        """A near miss is no answer: a table row about X answers only when one of its columns
        or cells holds what is asked of X (its budget, its GPU model, when it opened)."""
        unit = index.units[s.hit.unit_id]
        if not attribute or unit.kind != "table_row":
            return True
        return bool(attribute & _words_around(index, s.hit.unit_id)) or (
            measure is not None and states_measure(measure, unit.text))

    def is_answer(s: Scored) -> bool:
        return _is_answer(s, tuning) and (counts is None or counts(s.hit.unit_id)) and \
            holds_attribute(s)

    best = scored[0] if scored else None
    close = tuning.extra_sentence_ratio
    if best is not None and not holds_attribute(best):
        best = next((s for s in scored[1:settings.max_answer_sentences]
                     if s.score >= close * best.score and is_answer(s)
                     and index.units[s.hit.unit_id].kind == "table_row"), best)
    if counts is not None and best is not None and not counts(best.hit.unit_id):
        # The closest sentence counts something else; a close runner-up about the same named
        # things may count the right one.
        names = question.names & index.unit_words(best.hit.unit_id)
        best = next((s for s in scored[1:settings.max_answer_sentences]
                     if s.score >= close * best.score and is_answer(s)
                     and names <= _words_around(index, s.hit.unit_id)), best)
    grounded = best is not None and is_answer(best) and \
        not never_mentioned(text, kind, index) and (
        best.dense >= tuning.min_dense_despite_unknown_name or not unknown_names(text, index))
    if not grounded:
        related = _distinct(scored, index)[:settings.related_citations]
        citations = [_citation(n + 1, s, index, related=True) for n, s in enumerate(related)]
        return Answer(text, NOT_ANSWERED, False, citations,
                      confidence=best.score if best else 0.0)

    chosen = [best]
    reason = _reason_after(question, best, index, scored)
    if reason is not None:
        chosen.append(reason)  # "..., and why?": the sentence that explains it, read with it
    most = settings.max_answer_sentences
    if question.wants_list:  # the items may be spread over sentences: gather them
        close, most = tuning.list_sentence_ratio, max(most, tuning.list_sentences)
    for candidate in _distinct([s for s in scored if s not in chosen], index, exclude=chosen):
        # A close runner-up is shown too: two cited sentences beat one wrong one.
        if len(chosen) >= most or candidate.score < close * best.score:
            break
        if is_answer(candidate):
            chosen.append(candidate)
    if question.wants_list:  # in the order the documents give them
        chosen.sort(key=lambda s: (index.units[s.hit.unit_id].source, s.hit.unit_id))
    citations = [_citation(n + 1, s, index) for n, s in enumerate(chosen)]
    answer_text = " ".join(f"{_as_sentence(c.quote)} [{c.id}]" for c in citations)
    return Answer(text, answer_text, True, citations, confidence=best.score)


# A question that asks for a reason, and the words a sentence gives one with.
_ASKS_REASON = re.compile(r"^\W*why\b|\bwhat (?:reason|explains|explanation|causes|drives)\b|"
                          r"\bfor what reason\b|\bhow (?:come|is .* explained)\b", re.I)
_GIVES_REASON = re.compile(r"\b(?:because|explained by|due to|owing to|as a result|reflecting|"
                           r"driven by|thanks to|the reason|stems? from|results? from|since)\b",
                           re.I)
_POINTS_BACK = re.compile(r"^\W*(?:this|these|that|those|such|it|they)\b", re.I)


def _reason_after(question: Question, best: Scored, index: IndexData,
                  scored: list[Scored]) -> Scored | None:
    """For a "why" question, the sentence right after the chosen one when it gives the reason
    for what that one says ("This strong representation is likely explained by ...")."""
    if not _ASKS_REASON.search(question.text) or _GIVES_REASON.search(
            index.units[best.hit.unit_id].text):
        return None
    for candidate in scored[:REASON_CANDIDATES]:
        unit_id = candidate.hit.unit_id
        for following in range(unit_id + 1, unit_id + 1 + REASON_LOOKAHEAD):
            if following >= len(index.units) or \
                    not _same_paragraph(index, following - 1, following):
                break
            text = index.units[following].text
            if _POINTS_BACK.search(text) and _GIVES_REASON.search(text):
                known = next((s for s in scored if s.hit.unit_id == following), None)
                return known or Scored(Hit(following, candidate.dense, 0.0, 0.0),
                                       candidate.score * 0.9, candidate.coverage, set(),
                                       candidate.dense, True)
    return None


REASON_CANDIDATES = 5  # the best sentences whose next ones may give the reason asked for
REASON_LOOKAHEAD = 3  # how many sentences of the same paragraph after each are read


def _same_paragraph(index: IndexData, first: int, second: int) -> bool:
    a, b = index.units[first], index.units[second]
    document = index.documents[a.source].text
    return a.source == b.source and a.section == b.section and b.start >= a.end and \
        "\n" not in document[a.end:b.start]


def _prefer_named_documents(scored: list[Scored], question: Question, index: IndexData,
                            tuning: AnswerSettings, asked: dict[str, float]) -> None:
    """"According to the brief": sentences from the document the question names score more,
    and hold the words that name it ("map" is found by being in the map)."""
    references = [set(r) for r in question.documents]
    if not references:
        return
    naming = set().union(*references) & asked.keys()
    total = sum(asked.values()) or 1.0
    for s in scored:
        if is_referenced(references, index, s.hit.unit_id):
            s.score += tuning.w_named_document
            gained = naming - s.covered
            s.covered |= gained
            s.coverage += sum(asked[w] for w in gained) / total


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


def asked_attribute(question: Question) -> set[str]:
    """What is asked of the subject, of which an answer must hold one: the head noun of what
    the question asks for ("budget", "model" of "GPU model", "director"), or the event a date
    is asked for ("opened")."""
    return set(question.subject[-1:]) | set(asked_event(question.text, question.kind))


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
           asked: dict[str, float], kind: str | None, tuning: AnswerSettings) -> Scored:
    unit = index.units[hit.unit_id]
    present = index.unit_words(hit.unit_id)
    covered = {w for w in asked if w in present or _joined_match(w, unit.text)}
    covered |= acronym_matches(question, unit.text) & asked.keys()
    total = sum(asked.values()) or 1.0
    coverage = sum(asked[w] for w in covered) / total
    score = tuning.w_dense * hit.dense + tuning.w_dense_pair * pair_dense + \
        tuning.w_coverage * coverage
    has_kind = kind is None or brings_new(kind, question, unit.text)
    if kind is not None:
        score += tuning.w_kind if has_kind else -tuning.w_kind
    if len(without_urls(unit.text).split()) < 5:  # "Resource: LUMI docs; URL: https://…"
        score -= tuning.w_short
    # A name the corpus uses everywhere ("AI") does not pick out what is asked about.
    names = {w for w in question_names(question) & asked.keys() if asked[w] >= MIN_NAME_WEIGHT}
    names_missing = bool(names - covered)
    return Scored(hit, score, coverage, covered, hit.dense, has_kind, names_missing)


MIN_NAME_WEIGHT = 1.0  # BM25 idf: a name in more than about a quarter of the units weighs less


def _joined_match(word: str, text: str) -> bool:
    """"marenostrum" in the question matches "Mare Nostrum" in the text."""
    return len(word) > 6 and word in fold(text).replace(" ", "")


def _is_answer(s: Scored, tuning: AnswerSettings) -> bool:
    """Close enough in meaning, or in meaning and words, or in most words and every name; and,
    for "how many" or "when" questions, holding a number or date the question does not already
    give."""
    close = s.dense >= tuning.min_dense_alone or \
        (s.dense >= tuning.min_dense and s.coverage >= tuning.min_coverage) or \
        (s.dense >= tuning.min_dense_with_most_words and s.coverage >= tuning.min_coverage_alone
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
