"""LLM answerer: the model writes from numbered passages, every sentence is verified against what
it cites, and only verified sentences are shown as grounded, cited by the documents' own text."""

from __future__ import annotations

import copy
import dataclasses
import logging
import threading
import time
from collections.abc import Callable

from ..answer import Answer, Citation
from ..index import IndexData
from ..question import Question
from ..retrieve import Hit, Retrieved
from ..settings import Settings
from .backends import ModelError, backend_name, build_llm, discover_model, generate
from .prompt import Passage, Sentence, build_messages, choose_passages, is_abstention, split_reply
from .verify import Check, Verifier, read_claim, tokenize

log = logging.getLogger(__name__)


class LLMAnswerer:
    """An Answerer that asks a language model (through llama-index) and keeps only the
    sentences that the passages they cite support; the rest go to `Answer.unverified`. When
    the model fails or nothing it writes survives, the fallback (extractive) answer is given,
    with a note that says why."""

    mode = "llm"

    def __init__(self, settings: Settings, fallback, encode=None, llm=None,
                 progress: Callable[[str], None] | None = None) -> None:
        backend_name(settings)  # a wrong BRIEFQA_LLM fails now, with a message
        self.settings = settings
        self.fallback = fallback
        self.encode = encode
        self.verifier = Verifier(settings.verify, encode)
        self.progress = progress
        self._shared = {"llm": llm, "model": settings.llm_model}
        self._lock = threading.Lock()

    def with_progress(self, progress: Callable[[str], None] | None) -> LLMAnswerer:
        """The same answerer (same client, same caches) reporting its progress to a callback,
        for one question."""
        clone = copy.copy(self)
        clone.progress = progress
        return clone

    @property
    def model(self) -> str | None:
        return self._shared["model"]

    def _llm(self):
        with self._lock:
            if self._shared["llm"] is None:
                settings = self.settings
                if not settings.llm_model:
                    model = discover_model(settings)
                    settings = settings.with_(llm_model=model)
                    self._shared["model"] = model
                self._shared["llm"] = build_llm(settings)
            return self._shared["llm"]

    def client(self):
        """The llama-index LLM (built on first use, shared by every clone), for other uses of
        the same model server (the tables' plans)."""
        return self._llm()

    def _say(self, message: str) -> None:
        if self.progress is not None:
            try:
                self.progress(message)
            except Exception:  # progress is shown as a courtesy
                log.debug("progress callback failed", exc_info=True)

    # -- answering ----------------------------------------------------------------------------

    def answer(self, question: Question, retrieved: Retrieved) -> Answer:
        started = time.perf_counter()
        hits, index = list(retrieved.hits), retrieved.corpus
        verify = self.settings.verify
        passages = choose_passages(hits, index, verify.passages)
        if not passages:
            return self._fall_back(question, hits, index, "there are no passages to give "
                                   "the language model")
        messages = build_messages(question.text, passages, min(verify.max_sentences, 6))
        try:
            self._say("asking the language model")
            reply = generate(self._llm(), messages, self.settings, self._say)
        except ModelError as exc:
            log.warning("the language model gave no usable answer: %s", exc)
            return self._fall_back(question, hits, index, str(exc))
        if is_abstention(reply.text):
            return self._fall_back(question, hits, index, "the language model found no "
                                   "answer in the passages it was given")
        self._say("checking each sentence against the passages it cites")
        sentences = split_reply(reply.text)
        checked = [self._check(s, passages) for s in sentences[:verify.max_sentences]]
        for s in sentences[verify.max_sentences:]:
            checked.append((s, Check(s.text, False, ["the reply was longer than "
                                                     f"{verify.max_sentences} sentences"])))
        kept = [(s, c) for s, c in checked if c.supported]
        withheld = [(s, c) for s, c in checked if not c.supported]
        unverified = [s.text for s, _ in withheld]
        if not kept:
            reason = ("none of the sentences the language model wrote is supported by the "
                      "passages it cites" if withheld else "the language model's reply "
                      "had no sentences")
            answer = self._fall_back(question, hits, index, reason)
            return dataclasses.replace(answer, unverified=unverified, notes=[
                *answer.notes, *(_withheld_note(s, c) for s, c in withheld[:5])])
        answer = self._compose(question, kept, passages, index)
        model = self.model or "the language model"
        notes = [f"Written by {model} in {reply.seconds:.1f} s from {len(passages)} passages; "
                 f"each sentence was checked against the passages it cites."]
        if withheld:
            n = len(withheld)
            notes.append(f"{n} of {len(checked)} sentences the model wrote "
                         f"{'was' if n == 1 else 'were'} withheld: not supported by "
                         f"the documents.")
            notes += [_withheld_note(s, c) for s, c in withheld[:5]]
        return dataclasses.replace(answer, unverified=unverified, notes=notes,
                                   seconds=time.perf_counter() - started)

    def _check(self, sentence: Sentence, passages: list[Passage]) -> tuple[Sentence, Check]:
        given = range(1, len(passages) + 1)
        if not sentence.cited:
            return sentence, Check(sentence.text, False, ["it cites no passage"])
        foreign = [n for n in sentence.cited if n not in given]
        if foreign:
            return sentence, Check(sentence.text, False, [
                f"it cites passage {foreign[0]}, which it was not given"])
        return sentence, self.verifier.check(sentence.text,
                                             [passages[n - 1].text for n in sentence.cited])

    def _fall_back(self, question: Question, hits: list[Hit], index: IndexData,
                   reason: str) -> Answer:
        answer = self.fallback.answer(question, Retrieved(tuple(hits), index))
        return dataclasses.replace(answer, notes=[*answer.notes,
                                                  f"Extractive answer: {reason}."])

    def _compose(self, question: Question, kept: list[tuple[Sentence, Check]],
                 passages: list[Passage], index: IndexData) -> Answer:
        """The verified sentences, each followed by markers of citations that quote the
        units of the passages it cites (never the model's words)."""
        citations: list[Citation] = []
        by_span: dict[tuple[str, int, int], int] = {}
        parts = []
        for sentence, check in kept:
            ids = []
            for n in sentence.cited:
                span = _cited_span(sentence.text, passages[n - 1], index)
                if span is None:
                    continue
                p = passages[n - 1]
                key = (p.source, span[0], span[1])
                if key not in by_span:
                    text = index.documents[p.source].text
                    first = next(index.units[u] for u in p.units if index.units[u].start
                                 == span[0])
                    by_span[key] = len(citations) + 1
                    citations.append(Citation(
                        len(citations) + 1, p.source, p.title, first.section, first.page,
                        text[span[0]:span[1]], span[0], span[1], p.text, p.start,
                        score=check.similarity))
                if by_span[key] not in ids:
                    ids.append(by_span[key])
            parts.append(sentence.text + "".join(f" [{i}]" for i in ids))
        confidence = min((c.similarity for _, c in kept), default=0.0)
        return Answer(question.text, " ".join(parts), True, citations,
                      confidence=confidence, mode=self.mode)


def _withheld_note(sentence: Sentence, check: Check) -> str:
    why = check.reasons[0] if check.reasons else "not supported"
    return f"Withheld “{_clip(sentence.text)}”: {why}."


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _cited_span(sentence: str, passage: Passage, index: IndexData) -> tuple[int, int] | None:
    """The shortest run of the passage's units that holds the sentence's figures and names
    found in the passage, else the unit sharing most of its words; None when the passage
    holds nothing of the sentence."""
    claim = read_claim(sentence)
    anchors = {f.value for f in claim.figures} | {t.stem for t in claim.names}
    wanted = anchors | {t.stem for t in claim.content}
    held = []
    for u in passage.units:
        tokens = tokenize(index.units[u].text)
        held.append({t.value if t.kind == "number" else t.stem for t in tokens} & wanted)
    if not held or not any(held):
        return None
    present = anchors & set().union(*held)
    best: tuple | None = None
    for i in range(len(held)):
        union: set[str] = set()
        for j in range(i, len(held)):
            union |= held[j]
            if present <= union:
                key = (j - i, -len(union), i)
                if best is None or key < best[0]:
                    best = (key, i, j)
                break
    if best is None:
        return None
    _, i, j = best
    return index.units[passage.units[i]].start, index.units[passage.units[j]].end
