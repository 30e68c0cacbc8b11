"""Extractive: the default Answerer. The documents' own sentences, weighed by the evidence model
and cited; asserted only when the calibrated confidence clears `AnswerSettings.min_confidence`,
otherwise shown as the passages where the documents speak of it, or declined.

The answer step is a row of small named stages (`weigh`, `decide`, `compose`, `parts`,
`disagreements`, `short`), each recorded with what it did and how long it took in the
answer's trace (`Answer.trace`, `Assistant.explain`).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from .answer import NOT_ANSWERED, PASSAGES, Answer, Citation, Disagreement, Span, Step
from .enumeration import announces_unfollowed, items_after
from .evidence import EvidenceModel, ScoredCandidate, load_model, score_candidates
from .evidence.context import GIVES_REASON, QuestionContext, question_context
from .evidence.model import sigmoid
from .evidence.verifier import candidate_text
from .figures import figure_near, short_span
from .howto import added_after, command_after, same_paragraph
from .lexical import fold, words
from .question import (
    Question,
    another_namesake,
    asks_several,
    asks_yes_no,
    brings_new,
    code_name_unknown,
    contact_unstated,
    currency_unstated,
    documents_named,
    expected_kind,
    figure_of_another_item,
    figures_only_asked,
    measure_unstated,
    name_unsaid,
    second_count_unstated,
)
from .retrieve import Hit, Retrieved, cite
from .settings import Settings
from .store import IndexData

ANSWERED, SHOWN_PASSAGES, NOT_FOUND = "answered", "passages", "not_found"
_READER_LOCK = threading.Lock()
READ_MORE = 3  # unread candidates the verifier reads at most when one comes first


@dataclass
class Evidence:
    """A question's candidates with every scorer's value and the model's probability, best
    first, and the calibrated confidence that the best one answers it."""

    question: Question
    context: QuestionContext
    candidates: list[ScoredCandidate]
    confidence: float
    margin: float  # the best candidate's log-odds less the runner-up's
    question_logit: float = 0.0  # the question-level log-odds, before calibration

    @property
    def best(self) -> ScoredCandidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass
class Trace:
    """The stages an answer went through, each with what it did and its time."""

    steps: list[Step] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        step = Step(name, "", 0.0, {})
        yield step
        step.seconds = time.perf_counter() - started
        self.steps.append(step)


class ExtractiveAnswerer:
    """The default: the documents' own sentences, chosen and cited (see the module)."""

    mode = "extractive"

    def __init__(self, settings: Settings, encode=None, reader="shipped",
                 model: EvidenceModel | None = None, verifier="shipped") -> None:
        self.settings = settings
        self.encode = encode  # texts -> unit vectors, for "how many X" checks
        self._reader = reader  # (question, hits, index) -> {unit: score}; None: no reader
        self._verifier = verifier  # (question, texts) -> log-odds; None: no verifier
        self.model = model or load_model(settings.answer.model_path)

    @property
    def reader(self):
        """The trained reader, loaded on first use ("shipped": models/reader.onnx)."""
        from .evidence.reader import load_reader

        return self._shipped("_reader", load_reader)

    @property
    def verifier(self):
        """The trained verifier, loaded on first use ("shipped": models/verifier.onnx)."""
        from .evidence.verifier import load_verifier

        return self._shipped("_verifier", load_verifier)

    def _shipped(self, attribute: str, load):
        """The model held in `attribute`, loaded once by `load` where it is still a name."""
        if isinstance(getattr(self, attribute), str):
            with _READER_LOCK:
                if isinstance(getattr(self, attribute), str):
                    setattr(self, attribute, load(self.settings.answer.models_dir))
        return getattr(self, attribute)


    @property
    def min_confidence(self) -> float:
        """The confidence an answer must have to be asserted: the setting, else the one the
        model was calibrated with (for a stated precision on held-out questions)."""
        chosen = self.settings.answer.min_confidence
        if chosen is None:
            chosen = self.model.record.get("calibration", {}).get("answer_min_confidence", 0.5)
        return float(chosen)

    # -- the stages ---------------------------------------------------------------------------

    def weigh(self, question: Question, hits: list[Hit], index: IndexData) -> Evidence:
        """Every scorer on every candidate, the reader on the best of them, and the model's
        probability for each; best first."""
        tuning = self.settings.answer
        context = question_context(question, hits, index)
        if self.reader is not None and hits and tuning.reader_candidates > 0:
            context.reader = self.reader(question.text, hits[:tuning.reader_candidates], index)
        scored = score_candidates(context)
        self._verify(question, context, scored, index)
        logits = self._read_the_likeliest(question, context, scored, index)
        for s, logit, probability in zip(scored, logits, sigmoid(logits)):
            s.logit, s.probability = float(logit), float(probability)
        scored.sort(key=lambda s: (-s.logit, s.unit_id))
        scored = _distinct(scored, index)
        if not scored:
            return Evidence(question, context, [], 0.0, 0.0)
        margin = scored[0].logit - (scored[1].logit if len(scored) > 1 else scored[0].logit - 5)
        z = self.model.question_logit(scored[0].values, scored[0].logit, margin)
        return Evidence(question, context, scored, self.model.confidence(z), margin, z)

    def _verify(self, question: Question, context: QuestionContext,
                scored: list[ScoredCandidate], index: IndexData) -> None:
        """The verifier reads the likeliest few candidates (by the model without it) together
        with the question; its log-odds become their `verified`/`verifier` scorers' values."""
        count = self.settings.answer.verifier_candidates
        if self.model.ranker is None or count <= 0 or not scored or self.verifier is None:
            return
        first = self.model.ranker.logits([s.values for s in scored])
        self._read(question, context, [scored[i] for i in
                                       np.argsort(-first, kind="stable")[:count]], index)
        self._verified(context, scored)

    def _read_the_likeliest(self, question: Question, context: QuestionContext,
                            scored: list[ScoredCandidate], index: IndexData) -> np.ndarray:
        """The candidates' log-odds, once the verifier has read the likeliest of them. When
        it turns down those it read, an unread candidate can come first: it is read too (up
        to `READ_MORE` of them), so that the question's confidence is always weighed on a
        candidate the verifier read, as in training, where the best one always was (an unread
        best, its verifier scorer at 0, looked better than any read one)."""
        logits = self.model.logits([s.values for s in scored])
        if not context.verifier:
            return logits
        for _ in range(READ_MORE):
            best = scored[int(np.argmax(logits))]
            if best.unit_id in context.verifier:
                break
            self._read(question, context, [best], index)
            self._verified(context, scored)
            logits = self.model.logits([s.values for s in scored])
        return logits

    def _read(self, question: Question, context: QuestionContext,
              read: list[ScoredCandidate], index: IndexData) -> None:
        texts = [candidate_text(index.documents[index.units[s.unit_id].source].title,
                                index.units[s.unit_id].section, index.units[s.unit_id].text)
                 for s in read]
        context.verifier.update(zip((s.unit_id for s in read),
                                    self.verifier(question.text, texts)))

    @staticmethod
    def _verified(context: QuestionContext, scored: list[ScoredCandidate]) -> None:
        """The `verified`/`verifier`/`verifier_gap` scorers' values from what it read."""
        best = max(context.verifier.values())
        for s in scored:
            known = s.unit_id in context.verifier
            s.values["verified"] = 1.0 if known else 0.0
            s.values["verifier"] = context.verifier.get(s.unit_id, 0.0)
            s.values["verifier_gap"] = context.verifier[s.unit_id] - best if known else 0.0

    def decide(self, evidence: Evidence) -> str:
        """Answered when the confidence clears `min_confidence`; the passages where the
        documents speak of it when the best candidate is at least
        `passages_min_probability` likely to answer; else not found."""
        if evidence.best is None:
            return NOT_FOUND
        if evidence.confidence >= self.min_confidence:
            return ANSWERED
        if evidence.best.probability >= self.settings.answer.passages_min_probability:
            return SHOWN_PASSAGES
        return NOT_FOUND

    @staticmethod
    def row_cannot_answer(question: Question, evidence: Evidence,
                          index: IndexData) -> str | None:
        """Why the best candidate, a table row, does not answer though it is likely (see
        `tables.rowanswer`): its cell for what is asked gives no value, the question asks
        for several rows of its table, compares or adds two figures, asks what a name the
        row only lists is, names another table, counts a thing the row gives no number
        of, or holds what the question sets aside; None when it may answer (or is no row)."""
        unit = index.units[evidence.best.unit_id]
        if unit.kind != "table_row":
            return None
        from .tables.rowanswer import (
            asked_but_missing,
            counts_another_thing,
            holds_what_is_set_aside,
            mentions_only,
            names_another_table,
            one_of_many,
            one_side,
        )

        cells = _row_cells(index, unit)
        missing = asked_but_missing(question.text, cells)
        if missing:
            return "the table row gives no value for what is asked (" + ", ".join(
                f"{name}: “{value}”" for name, value in missing) + ")"
        table = one_of_many(question.text, unit.source, unit.section, cells,
                            getattr(index, "tables", None))
        if table:
            return f"one row of {table} for a question about several of its rows"
        if one_side(question.text):
            return "one table row for a question that compares or adds two figures"
        about = mentions_only(question.text, cells)
        if about:
            return f"the table row of “{about}” names what is asked about, but is not about it"
        other = names_another_table(question.text, unit.source, unit.section, cells,
                                    getattr(index, "tables", None))
        if other:
            return f"a table row of another table than {other}, which the question names"
        counted = counts_another_thing(question.text, cells)
        if counted:
            return f"the table row gives no number of {counted}"
        held = holds_what_is_set_aside(question.text, cells)
        if held:
            return f"the table row holds “{held}”, which the question sets aside"
        return None

    def compose(self, evidence: Evidence, index: IndexData, most: int) -> list[ScoredCandidate]:
        """The sentences of an answer: the best, after the sentence it points back to when it
        cannot stand alone; the one that gives its reason, for "why"; the command it
        introduces, for "how do I"; the items of a list it announces; runner-ups nearly as
        likely to answer (more of them, in document order, for a question asking for several
        things)."""
        tuning = self.settings.answer
        best = evidence.best
        antecedent = antecedent_before(evidence, index)
        chosen = [best] if antecedent is None else [antecedent, best]
        taken = {s.unit_id for s in chosen}
        for added in (reason_after(evidence, index), command_after(evidence, index),
                      *items_after(evidence, index)):
            if added is not None and added.unit_id not in taken:
                chosen.append(added)
                taken.add(added.unit_id)
        ratio, floor = tuning.extra_ratio, tuning.extra_min_probability
        if evidence.question.wants_list:
            ratio, floor = tuning.list_ratio, tuning.list_min_probability
            most = max(most, tuning.list_sentences)
        for candidate in evidence.candidates[1:]:
            if len(chosen) >= most:
                break
            if candidate.unit_id in taken:
                continue
            if candidate.probability >= max(floor, ratio * best.probability):
                chosen.append(candidate)
                taken.add(candidate.unit_id)
        if evidence.question.wants_list:
            chosen.sort(key=lambda s: (index.units[s.unit_id].source, s.unit_id))
        return chosen

    # -- answering ----------------------------------------------------------------------------

    def answer(self, question: Question, retrieved: Retrieved) -> Answer:
        return self.answer_with_evidence(question, retrieved)[0]

    def answer_with_evidence(self, question: Question,
                             retrieved: Retrieved) -> tuple[Answer, Evidence]:
        """The answer, and the weighed candidates it was decided on (for a question with
        parts, the weakest part's)."""
        hits, index = list(retrieved.hits), retrieved.corpus
        trace = Trace()
        if not question.parts:
            with trace.stage("weigh") as step:
                evidence = self.weigh(question, hits, index)
                step.did, step.data = _weighed(evidence), _weighed_data(evidence)
            answer = self._answer_one(question, evidence, index, trace,
                                      self.settings.max_answer_sentences)
        else:
            answer, evidence = self._answer_parts(question, hits, index, trace)
        if answer.status == ANSWERED:
            with trace.stage("disagreements") as step:
                # A question without parts was weighed as a whole already: its candidates.
                weighed = self._closest(question, hits, index) if question.parts \
                    else evidence.candidates
                closest = weighed[:DISAGREEMENT_CANDIDATES]
                answer = add_disagreements(answer, question, closest, index)
                step.did = f"{len(answer.disagreements)} found"
            with trace.stage("short") as step:
                answer = dataclasses.replace(answer, short=short_answer(answer, question))
                step.did = repr(answer.short.text) if answer.short else "none: no figure, date " \
                    "or name of the kind asked"
        return dataclasses.replace(answer, trace=trace.steps), evidence

    def _closest(self, question: Question, hits: list[Hit], index: IndexData):
        """A question with parts weighed as a whole, for finding a second document's
        figure."""
        return self.weigh(question, rescored(hits, question, index), index).candidates

    def _answer_one(self, question: Question, evidence: Evidence, index: IndexData,
                    trace: Trace, most: int, whole: bool = True) -> Answer:
        """One question, or one part of a question (`whole` False: another part may speak of
        the other side of a comparison)."""
        with trace.stage("decide") as step:
            status = self.decide(evidence)
            step.did = _decided(status, evidence, self.min_confidence,
                                self.settings.answer.passages_min_probability)
            unanswered = self.row_cannot_answer(question, evidence, index) \
                if status == ANSWERED else None
            if unanswered:
                status = SHOWN_PASSAGES
                step.did = f"passages: {unanswered}, though its {step.did}"
        if status == NOT_FOUND:
            return Answer(question.text, NOT_ANSWERED, False, [], confidence=evidence.confidence,
                          status=NOT_FOUND)
        if status == SHOWN_PASSAGES:
            return self._passages(question, evidence, index)
        with trace.stage("compose") as step:
            chosen = self.compose(evidence, index, most)
            step.did = f"{len(chosen)} sentence(s): " + ", ".join(
                f"{s.probability:.2f}" + (f" ({s.notes[0]})" if s.notes else "") for s in chosen)
            held_back = self._held_back(question, evidence, chosen, index, whole)
            if held_back:
                step.did += f"; passages: {held_back}"
                return self._passages(question, evidence, index)
        citations = [_citation(n + 1, s, index) for n, s in enumerate(chosen)]
        text = " ".join(f"{_as_sentence(c.quote)} [{c.id}]" for c in citations)
        return Answer(question.text, text, True, citations, confidence=evidence.confidence,
                      status=ANSWERED)

    @staticmethod
    def _held_back(question: Question, evidence: Evidence, chosen: list[ScoredCandidate],
                   index: IndexData, whole: bool) -> str | None:
        """Why the composed sentences cannot answer, whatever the confidence (each check
        below); None when they may."""
        units = [index.units[s.unit_id] for s in chosen]
        texts = [u.text for u in units]
        if whole and not evidence.context.asks_reason:
            missing = side_not_spoken_of(question, texts, index)
            if missing:
                return f"of the two things compared, none speaks of “{missing}”"
        unquoted = document_not_quoted(question.text, [u.source for u in units], index)
        if unquoted:
            return unquoted
        if evidence.context.asks_why:
            if advice_for_reason(texts):
                return "the sentences give advice, not the reason asked for"
            if restates_question(question.text, texts):
                return "the sentences say again what the question says, and give no reason"
        if setting_unstated(question.text, units):
            return "the sentences name no setting, which the question asks for"
        unnamed = thing_unspoken_of(question.text, units, index)
        if unnamed:
            return unnamed
        namesake = another_namesake(question.text, texts)
        if namesake:
            return f"the answer speaks of {namesake[1]}, not of the {namesake[0]} asked about"
        return figure_unstated(question.text, units)

    def _passages(self, question: Question, evidence: Evidence, index: IndexData) -> Answer:
        """Where the documents speak of it: the likeliest passages, cited, not an answer."""
        shown = evidence.candidates[:self.settings.related_citations]
        citations = [_citation(n + 1, s, index, related=True) for n, s in enumerate(shown)]
        return Answer(question.text, PASSAGES, False, citations,
                      confidence=evidence.confidence, status=SHOWN_PASSAGES)

    def _answer_parts(self, question: Question, hits: list[Hit], index: IndexData,
                      trace: Trace) -> tuple[Answer, Evidence]:
        """Each part answered by its own sentences, the best for it among all candidates."""
        answers, weighed = [], []
        for part in question.parts:
            with trace.stage("weigh") as step:
                evidence = self.weigh(part, rescored(hits, part, index), index)
                step.did = f"part “{part.text}”: " + _weighed(evidence)
                step.data = _weighed_data(evidence)
            weighed.append(evidence)
            answers.append(self._answer_one(part, evidence, index, trace, PART_SENTENCES,
                                            whole=False))
        with trace.stage("parts") as step:
            merged = merge_parts(question, answers)
            step.did = f"{sum(a.status == ANSWERED for a in answers)} of {len(answers)} parts " \
                f"answered: {merged.status}"
        return merged, min(weighed, key=lambda e: e.confidence)


def warm_up_models(settings: Settings) -> None:
    """Load the shipped reader and verifier in the background (while an index opens and a
    question is embedded), so that the first answer does not wait for them."""
    def load() -> None:
        from .evidence.reader import load_reader
        from .evidence.verifier import load_verifier

        with _READER_LOCK:
            if settings.answer.reader_candidates > 0:
                load_reader(settings.answer.models_dir)
            if settings.answer.verifier_candidates > 0:
                load_verifier(settings.answer.models_dir)

    # Not a daemon: a process that ends while onnxruntime is still loading aborts.
    threading.Thread(target=load, name="briefqa-models").start()


def _weighed_data(evidence: Evidence) -> dict:
    if evidence.best is None:
        return {}
    return {"best_logit": round(evidence.best.logit, 6), "margin": round(evidence.margin, 6),
            "question_logit": round(evidence.question_logit, 6),
            "confidence": round(evidence.confidence, 6),
            "verifier_read": len(evidence.context.verifier)}


def _weighed(evidence: Evidence) -> str:
    if evidence.best is None:
        return "no candidates"
    read = f", the verifier read {len(evidence.context.verifier)}" \
        if evidence.context.verifier else ""
    return (f"{len(evidence.candidates)} candidates{read}; best p="
            f"{evidence.best.probability:.2f}, margin {evidence.margin:.2f}, confidence "
            f"{evidence.confidence:.2f}")


def _decided(status: str, evidence: Evidence, threshold: float, passages: float) -> str:
    confidence = f"confidence {evidence.confidence:.2f}"
    if status == ANSWERED:
        return f"answered: {confidence} ≥ {threshold:.2f}"
    if status == SHOWN_PASSAGES:
        return (f"passages: {confidence} < {threshold:.2f}, best candidate p="
                f"{evidence.best.probability:.2f} ≥ {passages:.2f}")
    best = evidence.best.probability if evidence.best else 0.0
    return f"not found: {confidence} < {threshold:.2f}, best p={best:.2f} < {passages:.2f}"


def short_answer(answer: Answer, question: Question) -> Span | None:
    """The figure, date or name that answers, as a span of the best sentence's quote."""
    if not answer.citations or question.parts or asks_several(question.text):
        return None  # several things asked: one of them is no short answer
    # The best sentence's citation: the likeliest, first among equals (the sentence before it,
    # quoted so that it reads whole, is less likely to answer).
    c = max(answer.citations, key=lambda citation: citation.score)
    kind = question.kind or ("number" if question.measure else None)  # "What is X's budget?"
    span = short_span(c.quote, kind, question.text, set(question.names), question.measure,
                      question.counted, question.subject)
    if span is None:
        return None
    return Span(c.quote[span[0]:span[1]], c.id, c.start + span[0], c.start + span[1])


DISAGREEMENT_CANDIDATES = 5  # the likeliest candidates searched for another document's figure


def add_disagreements(answer: Answer, question: Question, candidates: list[ScoredCandidate],
                      index: IndexData) -> Answer:
    """Where two documents give different figures for what the question names, show both:
    among the cited quotes, or else from the likeliest `candidates` of another document that
    names the same things and states the figure in the same measure (however much likelier
    the answer's own sentence is: the probabilities say which sentence answers best, not
    whether another document says otherwise)."""
    names = set(question.names)
    cited = [(c, figure_near(c.quote, names)) for c in answer.citations if not c.related]
    cited = [(c, f) for c, f in cited if f is not None]
    if not cited:
        return answer
    citations, text = list(answer.citations), answer.text
    pairs = [(a, b) for n, a in enumerate(cited) for b in cited[n + 1:]
             if a[0].source != b[0].source and a[1].same_measure(b[1]) and a[1].differs(b[1])]
    if not pairs and names:
        first, figure = cited[0]
        for candidate in candidates:
            unit = index.units[candidate.unit_id]
            if unit.source == first.source or not names <= index.unit_words(candidate.unit_id):
                continue
            other = figure_near(unit.text, names)
            if other is not None and other.same_measure(figure) and other.differs(figure):
                extra = _citation(len(citations) + 1, candidate, index)
                citations.append(extra)
                text += f" {_as_sentence(extra.quote)} [{extra.id}]"
                pairs = [((first, figure), (extra, other))]
                break
    disagreements, notes = list(answer.disagreements), list(answer.notes)
    for (a, fa), (b, fb) in pairs[:2]:
        spans = [Span(c.quote[f.start:f.end], c.id, c.start + f.start, c.start + f.end)
                 for c, f in ((a, fa), (b, fb))]
        about = " ".join(sorted(w for w in question.names)) or "this"
        disagreements.append(Disagreement(about, spans))
        notes.append(f"The documents differ: {spans[0].text} in “{a.title}” [{a.id}], "
                     f"{spans[1].text} in “{b.title}” [{b.id}].")
    return dataclasses.replace(answer, text=text, citations=citations,
                               disagreements=disagreements, notes=notes)


PART_SENTENCES = 2  # sentences that may answer one part of a question with several


def rescored(hits: list[Hit], question: Question, index: IndexData) -> list[Hit]:
    """The candidates with their similarity to one part of the question, best first."""
    if question.vector is None or not hits:
        return hits
    ids = [h.unit_id for h in hits]
    dense = index.vectors_for(ids) @ question.vector
    windowed = index.window_vectors_for(ids) @ question.vector
    out = [dataclasses.replace(h, dense=float(d), window=float(w))
           for h, d, w in zip(hits, dense, windowed)]
    return sorted(out, key=lambda h: (-max(h.dense, h.window), h.unit_id))


def _renumbered(text: str, numbers: dict[int, int]) -> str:
    """The text with its [n] markers numbered as `numbers` says."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m.group(1)), m.group(1))}]", text)


def merge_parts(question: Question, answers: list[Answer]) -> Answer:
    """One answer from the answers to each part: asserted when every part is, its sentences
    in turn, citations numbered anew (a passage two parts cite keeps one number); otherwise
    the passages each part found, with a note naming the parts not answered."""
    unanswered = [p.text for p, a in zip(question.parts, answers) if a.status != ANSWERED]
    notes = [f"The documents do not answer this part: “{text.rstrip('?')}”."
             for text in unanswered]
    if unanswered:
        shown = [c for a in answers for c in a.citations][:3]
        if not shown:
            return Answer(question.text, NOT_ANSWERED, False, [],
                          confidence=min(a.confidence for a in answers), status=NOT_FOUND)
        related = _numbered([dataclasses.replace(c, related=True) for c in shown])
        return Answer(question.text, PASSAGES, False, related,
                      confidence=min(a.confidence for a in answers), notes=notes,
                      status=SHOWN_PASSAGES)
    citations: list[Citation] = []
    numbers: dict[tuple, int] = {}
    texts: list[str] = []
    said: set[str] = set()  # the cited sentences said so far, numbered as merged
    for answer in answers:
        if all((c.source, c.start, c.end) in numbers for c in answer.citations):
            continue  # what answers this part answers an earlier one too: said once
        renumber = {}
        for c in answer.citations:
            key = (c.source, c.start, c.end)
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(dataclasses.replace(c, id=numbers[key]))
            renumber[c.id] = numbers[key]
        texts.append(_unsaid(_renumbered(answer.text, renumber), said))
    return Answer(question.text, " ".join(t for t in texts if t), True, citations,
                  confidence=min(a.confidence for a in answers), status=ANSWERED)


def _unsaid(text: str, said: set[str]) -> str:
    """The text without the cited sentences (each ending in its [n] markers) that an earlier
    part said already, word for word and number for number; what is kept joins `said`."""
    pieces = re.split(r"(?<=\])(\s+)", text)
    kept = []
    for sentence, space in zip(pieces[::2], [*pieces[1::2], ""]):
        key = sentence.strip()
        if key and key in said:
            continue
        said.add(key)
        kept.append(sentence + space)
    return "".join(kept).strip()


def _numbered(citations: list[Citation]) -> list[Citation]:
    """Citations numbered 1, 2, ... once each (the same passage found by two parts is one)."""
    out, seen = [], set()
    for c in citations:
        if (c.source, c.start) not in seen:
            seen.add((c.source, c.start))
            out.append(dataclasses.replace(c, id=len(out) + 1))
    return out


# ---------------------------------------------------------------------------------------------
# "Why": the sentence that gives the reason, after the one it explains

_POINTS_BACK = re.compile(r"^\W*(?:this|these|that|those|such|it|they)\b", re.I)
REASON_CANDIDATES = 5  # the best sentences whose next ones may give the reason asked for
REASON_LOOKAHEAD = 3  # how many sentences of the same paragraph after each are read


def reason_after(evidence: Evidence, index: IndexData) -> ScoredCandidate | None:
    """For a "why" question whose best sentence gives no reason, the sentence soon after one of
    the best candidates that points back and gives it ("This strong representation is likely
    explained by ...")."""
    best = evidence.best
    if not evidence.context.asks_why or GIVES_REASON.search(index.units[best.unit_id].text):
        return None
    for candidate in evidence.candidates[:REASON_CANDIDATES]:
        unit_id = candidate.unit_id
        for following in range(unit_id + 1, unit_id + 1 + REASON_LOOKAHEAD):
            if following >= len(index.units) or \
                    not same_paragraph(index, following - 1, following):
                break
            text = index.units[following].text
            if _POINTS_BACK.search(text) and GIVES_REASON.search(text):
                return added_after(evidence, candidate, following, "gives the reason")
    return None


# Advice: what to do or not to do, said to the reader ("it is strongly discouraged to install
# ...", "you must allocate memory for it ...")
_ADVICE = re.compile(r"\b(?:you|users?)\s+(?:must|should|need to|have to|are advised)\b|"
                     r"\b(?:strongly\s+)?(?:discouraged|recommended|advised)\b|"
                     r"^\W*(?:please|do not|don['’]t|avoid|make sure)\b", re.I)


def advice_for_reason(texts: list[str]) -> bool:
    """For a "why" question: do the answer's sentences only give advice ("it is strongly
    discouraged to install Python packages directly to /project") and no reason (no
    "because", "due to", ...)? The reason the reader asked for is elsewhere."""
    said = " ".join(texts)
    return bool(_ADVICE.search(said)) and not GIVES_REASON.search(said)


def restates_question(question: str, texts: list[str]) -> bool:
    """For a "why" question: do the answer's sentences only say again what the question
    says ("My job asks for 64 cores per node and never starts. Why?": "Jobs requesting 64
    cores/node will never run."), with no reason ("because", "due to", ...) and most of their
    words the question's own? A sentence that gives a reason brings words of its own."""
    said = " ".join(texts)
    if GIVES_REASON.search(said):
        return False
    theirs = set(words(said))
    return 2 * len(theirs - set(words(question))) < len(theirs)


def thing_unspoken_of(question: str, units: list, index: IndexData) -> str | None:
    """For a yes/no question, or any answered by table rows (a row of another thing's
    table): why the answer is not about the thing the question names, when neither its
    sentences nor their sections or documents speak of a name the documents give
    (`question.name_unsaid`), or the question names it by a code-like name no document
    writes (`question.code_name_unknown`); else None."""
    if not (asks_yes_no(question) or all(u.kind == "table_row" for u in units)):
        return None
    where = " ".join(f"{u.text} {u.section or ''} {u.source} "
                     f"{index.documents[u.source].title}" for u in units)
    unsaid = name_unsaid(question, where, index.proper_names)
    if unsaid:
        return f"the answer does not speak of {unsaid}, which the question asks about"
    unknown = code_name_unknown(question, where, index.writes)
    if unknown:
        return f"the question asks about {unknown}, which no document mentions"
    return None


# A question that asks for a setting by name ("What stripe setting should I use?", "which
# flag ..."), and what a sentence needs to give one: code, an option, an assignment, a number, a
# path or a VARIABLE_NAME.
# (not "what kind of setting": a place, a kind of thing)
_ASKS_SETTING = re.compile(r"\b(?:what|which)\s+(?!(?:kind|sort|type)s?\s+of\b)"
                           r"(?:[\w-]+\s+){0,3}?(?:setting|option|flag|command|parameter|"
                           r"variable|argument|directive|switch)s?\b", re.I)
_GIVES_SETTING = re.compile(r"`|\n|(?<![\w-])--?[A-Za-z0-9]|\w=|\d|(?<![\w.])/\w|"
                            r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")


def setting_unstated(question: str, units: list) -> bool:
    """Does the question ask for a setting by name ("what stripe setting should I use?")
    while none of the answer's sentences gives one (no code, option, value or variable):
    they speak of it ("applications ... may benefit from striping over as many OSTs") without
    saying what to set?"""
    if not _ASKS_SETTING.search(question):
        return False
    return not any(u.kind == "code" or _GIVES_SETTING.search(u.text) for u in units)


# A sentence that cannot stand alone: it points back to the one before ("This means ...", "The
# value of this variable will be 0 ...", "You have to load these modules yourself ...").
_POINTS_BACK_EARLY = re.compile(
    rf"{_POINTS_BACK.pattern}|^\W*(?:its|their)\b|"
    r"^\W*(?:\S+\s+){0,5}?(?:this|these|such)\s+(?:\w+\s+)?(?:variable|option|command|flag|"
    r"setting|module|file|tool|approach|method|step|script|directory|feature|limit|value|"
    r"parameter|partition|service|library|package|environment)s?\b", re.I)


def antecedent_before(evidence: Evidence, index: IndexData) -> ScoredCandidate | None:
    """The sentence just before the best one, in its paragraph, when the best points back to
    it: the answer then reads whole ("The SLURM_RESTART_COUNT variable ... The value of this
    variable will be 0 ..."), as the document says it. A table row or a code block points
    nowhere; a sentence whose paragraph begins with it has nothing before it."""
    best = evidence.best
    if best is None or best.unit_id == 0:
        return None
    unit = index.units[best.unit_id]
    if unit.kind in ("table_row", "code") or not _POINTS_BACK_EARLY.search(unit.text):
        return None
    before = best.unit_id - 1
    if index.units[before].kind == "code" or not same_paragraph(index, before, best.unit_id):
        return None
    note = "what the best sentence points back to"
    known = next((s for s in evidence.candidates if s.unit_id == before), None)
    if known is not None:
        return dataclasses.replace(known, notes=[*known.notes, note])
    return ScoredCandidate(Hit(before, 0.0, 0.0, 0.0), {}, 0.0, 0.0, [note])


# Documents: each document a question names is quoted

def document_not_quoted(question: str, sources: list[str], index: IndexData) -> str | None:
    """For a question (or a part of one) that says which documents it asks of ("Who runs
    PIAST according to the brief?", "... and how does the map characterise it?"): one the
    answer quotes nothing of, so that an answer from another document is shown as
    passages; None when each is quoted, or none is named."""
    for named in documents_named(question, index):
        if not named & set(sources):
            title = index.documents[sorted(named)[0]].title
            return f"the question asks of “{title}”, which the answer does not quote"
    return None


# Figures: a measure asked for is stated, and of the thing asked about

# A sentence that goes on from one a code block interrupted: "... you can list the available
# versions with `module avail gcc` [code] and then switch to the desired version using ..."
_CONTINUES = re.compile(r"^\W*(?:and|or|but|then|so|which)\b")  # lower case: mid-sentence

# "In what year ...", "which year": a year must be stated
_YEAR_ASKED = re.compile(r"\b(?:what|which)\s+year\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def figure_unstated(question: str, units: list) -> str | None:
    """Why the answer's sentences do not give the figure asked for, though likely: no figure
    in the units of the measure asked ("how long does the helpdesk take": "a few
    person-days" of help), no phone number, email address, port or web address asked for,
    only the question's own figures for "how much", none in the currency asked, no day for
    "on what date" ("2025–2027 rolling cut-offs"), no year for "in what year", nor a number
    of its own for "how many"; the best sentence only announcing what follows it or going on
    from one before it; or, in a sentence that enumerates several things with their own
    terms, the figures are of the others ("how many GPU hours with Playground access": Fast
    Lane's 50,000); None when they may give it."""
    texts = [u.text for u in units]
    measure = measure_unstated(question, texts)
    if measure:
        return f"no figure of the measure asked ({measure}) is stated"
    if second_count_unstated(question, texts):
        return "the question asks for two counts side by side; the sentences state one"
    contact = contact_unstated(question, texts)
    if contact:
        return f"no {contact} is stated, and the question asks for one"
    repeated = figures_only_asked(question, texts)
    if repeated:
        return f"the only figures of the measure asked ({repeated}) are the question's own"
    currency = currency_unstated(question, texts)
    if currency:
        return f"the question asks in {currency}; the answer states another currency"
    kind = expected_kind(question)
    if kind == "number" and not re.search(r"\bhow many\b", question, re.I):
        kind = None  # "how long": "a few days" may answer it
    if kind in ("day", "number") and not any(brings_new(kind, question, t) for t in texts):
        # "2025–2027 rolling cut-offs" for a day; "Jobs requesting 64 cores/node will never
        # run" for how many cores jobs can use, 64 being the question's own
        return f"no {kind} is stated beyond the question's own, and it asks for one"
    if _YEAR_ASKED.search(question) and not any(
            year not in question for t in texts for year in _YEAR.findall(t)):
        # "In what year did Vega go into operation?" of a row that gives none
        return "no year is stated beyond the question's own, and it asks for one"
    first = units[0]
    if announces_unfollowed(units):
        return "the best sentence only announces what follows it"
    if _CONTINUES.match(first.text):
        return "the best sentence goes on from one before it (“and then ...”)"
    # (a row's figures are its own, see `tables.rowanswer`)
    named = figure_of_another_item(question, first.text) if first.kind != "table_row" else None
    if named:
        return f"the sentence's figures of the measure asked are not those of “{named}”"
    return None


# Comparisons: both things compared spoken of

def side_not_spoken_of(question: Question, texts: list[str], index: IndexData) -> str | None:
    """For a question that compares two things ("Is flash or object storage billed more
    heavily than main storage?", "an AI factory versus a gigafactory", "how does an AI
    factory's chip count compare with a gigafactory's?"): the one the answer's sentences do
    not name by its own words (those the rest of the question and the other side do not say
    too: "object", not "storage"), so that half an answer is shown as passages; None when
    both are named, or nothing is compared."""
    from .tables.linker import alternatives
    from .tables.rowanswer import one_side

    text = question.text
    side_by_side = bool(_VERSUS.search(text)) or bool(_owners_compared(text))
    if not (one_side(text) or side_by_side):
        return None
    sides = alternatives(text) or _owners_compared(text)
    if len(sides) != 2:
        return None
    said = set(words(" ".join(texts)))
    (a, b), (c, d) = sides
    rest = set(words(text[:a] + " " + text[b:c] + " " + text[d:]))  # "... than main storage"
    for (start, end), (other, other_end) in zip(sides, reversed(sides)):
        shared = rest | set(words(text[other:other_end]))  # "queue" of "wide or quick queue"
        own = {w for w in words(text[start:end]) if w not in shared and
               index.bm25.document_frequency(w) > 0}
        if not own:
            continue
        # two things set side by side ("an AI factory versus a gigafactory") are each named
        # by all their own words: "AI gigafactories" says "AI" but not "an AI factory"; a
        # thing measured against another ("how much bigger is a gigafactory than a regular AI
        # factory?") by one of them, and by its head when that is its own: the word that ends
        # a thing ("factory"), not a clause ("get an allocation approved"), nor a word that
        # stands for another ("the moderate ones")
        said_as = text[start:end].split()
        head = words(said_as[-1])[-1:] if said_as[-1].lower() not in _PRO_FORMS and (
            len(said_as) <= 3 or said_as[0].lower() in ("a", "an", "the")) else None
        if not own <= said if side_by_side else \
                not own & said or (bool(head) and head[0] in own and head[0] not in said):
            return text[start:end]
    return None


_PRO_FORMS = frozenset("one ones that those it them".split())

# "A versus B", "A vs. B": two things set side by side
_VERSUS = re.compile(r"\s(?:versus|vs\.?)\s", re.I)
# "how does an AI factory's chip count compare with a gigafactory's?": the two owners
_OWNERS_COMPARED = re.compile(
    r"(?P<a>(?:[\w-]+\s+){0,3}[\w-]+)['’]s\s+(?:[\w-]+\s+){0,3}?compared?\s+(?:with|to)\s+"
    r"(?:(?:the|a|an|that of)\s+)?(?P<b>(?:[\w-]+\s+){0,3}?[\w-]+)(?:['’]s?\b|\s*[?,.;]|$)",
    re.I)
_LEADING = frozenset("how what which who whose does do did is are was were the a an under of for "
                     "in on".split())


def _owners_compared(text: str) -> list[tuple[int, int]]:
    """The two things whose figures "X's ... compare(d) with Y's" sets side by side, each
    without the words that lead to it ("how does an"); [] when the question says none."""
    match = _OWNERS_COMPARED.search(text)
    if not match:
        return []
    start = match.start("a")
    for word in re.finditer(r"[\w-]+\s*", match.group("a")):
        if word.group().strip().lower() not in _LEADING:
            break
        start = match.start("a") + word.end()
    if start >= match.end("a"):
        return []
    return [(start, match.end("a")), match.span("b")]


def _distinct(scored: list[ScoredCandidate], index: IndexData) -> list[ScoredCandidate]:
    """Drop sentences whose text repeats one already kept (the same text in two files)."""
    seen, out = set(), []
    for s in scored:
        key = fold(index.units[s.unit_id].text)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _row_cells(index: IndexData, unit) -> list[tuple[str, str]]:
    """A table row unit's cells, (column name, text), from its document's block."""
    document = index.documents[unit.source]
    at = bisect.bisect_right(document.blocks, unit.start, key=lambda b: b.start) - 1
    block = document.blocks[at] if at >= 0 else None
    if block is None or block.cells is None or not block.start <= unit.start < block.end:
        return []
    return [(name, document.text[start:end]) for _position, name, start, end in block.cells]


def _citation(number: int, s: ScoredCandidate, index: IndexData,
              related: bool = False) -> Citation:
    return cite(index, s.unit_id, number, related=related, score=s.probability)


def _as_sentence(quote: str) -> str:
    return " ".join(quote.split())

