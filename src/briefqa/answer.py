"""Answer: what every way of answering returns (Answer, Citation, Span, Disagreement) and the
Answerer protocol they answer through; the default one is in `extractive`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .errors import QuestionError

if TYPE_CHECKING:  # pragma: no cover
    from .question import Question
    from .retrieve import Retrieved

NOT_ANSWERED = "The documents do not answer this question."
PASSAGES = ("The documents may not answer this directly; these passages are where they speak "
            "of it.")
STATUSES = ("answered", "passages", "not_found")


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
class Span:
    """A figure, name or date inside a cited quote: `source_text[start:end] == text`.

    `citation == 0` marks briefqa's own statement, not a quote: a figure it computed from the
    cited rows (a count, a sum, a difference: `Answer.mode == "computed"`); its `start` and
    `end` are then -1."""

    text: str
    citation: int  # the id of the citation whose quote holds it; 0: computed by briefqa
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Disagreement:
    """Two documents that give different figures for the same thing, each cited."""

    about: str  # what the figures are of, in the documents' words
    figures: list[Span]  # one figure per document, in the order of their citations

    def to_dict(self) -> dict:
        return {"about": self.about, "figures": [f.to_dict() for f in self.figures]}


@dataclass
class Step:
    """One named stage of the answer step: what it did, and how long it took."""

    stage: str
    did: str
    seconds: float
    data: dict = field(default_factory=dict)  # the figures it decided on

    def to_dict(self) -> dict:
        return {"stage": self.stage, "did": self.did, "ms": round(self.seconds * 1000, 2),
                **({"data": self.data} if self.data else {})}


@dataclass
class Answer:
    question: str
    text: str
    grounded: bool
    citations: list[Citation] = field(default_factory=list)
    # Calibrated: of answers given at this confidence, about this share was right on
    # held-out questions.
    confidence: float = 0.0
    seconds: float = 0.0
    mode: str = "extractive"  # or "llm", "computed": which Answerer wrote `text`
    short: Span | None = None  # the figure / name / date that answers, inside a quote
    disagreements: list[Disagreement] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)  # LLM sentences withheld
    notes: list[str] = field(default_factory=list)  # what the reader should know about it
    # "answered" (asserted, grounded), "passages" (where the documents speak of it, not
    # asserted) or "not_found"
    status: str = ""
    # For computed answers (mode "computed"): the plan as data (table, filters, aggregate,
    # result, approximate) and the rows used; see `tables.answerer`.
    computation: dict | None = None
    trace: list[Step] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.status:
            self.status = "answered" if self.grounded else (
                "passages" if self.citations else "not_found")

    def to_dict(self) -> dict:
        return {"question": self.question, "text": self.text, "grounded": self.grounded,
                "status": self.status, "mode": self.mode,
                "confidence": round(self.confidence, 4), "seconds": round(self.seconds, 4),
                "short": self.short.to_dict() if self.short else None,
                "disagreements": [d.to_dict() for d in self.disagreements],
                "unverified": list(self.unverified), "notes": list(self.notes),
                "computation": self.computation,
                "citations": [c.to_dict() for c in self.citations]}

    def to_markdown(self) -> str:
        """The answer and its numbered sources, ready to paste."""
        marker = "(computed)" if self.short and self.short.citation == 0 else \
            f"[{self.short.citation}]" if self.short else ""
        lines = ([f"**{self.short.text}** {marker}", ""] if self.short else [])
        lines += [self.text, ""]
        lines += [f"_{note}_" for note in self.notes] + ([""] if self.notes else [])
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
# The seam: one protocol, one class per way of answering (`extractive.ExtractiveAnswerer`,
# `llm.LLMAnswerer`)


@runtime_checkable
class Answerer(Protocol):
    """A way of answering: from a parsed question and what retrieval found (`Retrieved`: the
    candidates, best first, a read-only view of the index and `cite`), an Answer whose
    citations quote the documents. Retrieval is the same for every Answerer."""

    mode: str

    def answer(self, question: Question, retrieved: Retrieved) -> Answer: ...
