"""Explain: why an answer is what it is. Every candidate with each scorer's value and how much
it moved the model, the reader's score and the probability; the decision (asserted, passages or
not found) with the confidence and the threshold it met or missed; each stage's time."""

from __future__ import annotations

from dataclasses import dataclass, field

from .answer import Answer, Step
from .evidence.scorers import SCORERS

SHOWN = 10  # candidates an explanation lists


@dataclass
class CandidateView:
    rank: int  # by probability, 1-based
    retrieval_rank: int  # where hybrid search put it
    source: str
    section: str | None
    quote: str
    probability: float
    logit: float
    values: dict[str, float]
    contributions: dict[str, float]  # each scorer's push on the log-odds
    cited: bool

    def to_dict(self) -> dict:
        return {"rank": self.rank, "retrieval_rank": self.retrieval_rank,
                "source": self.source, "section": self.section, "quote": self.quote,
                "probability": round(self.probability, 4), "logit": round(self.logit, 4),
                "cited": self.cited,
                "values": {k: round(v, 4) for k, v in self.values.items()},
                "contributions": {k: round(v, 3) for k, v in self.contributions.items()}}


@dataclass
class Explanation:
    question: str
    parsed: dict
    answer: Answer
    status: str
    confidence: float
    min_confidence: float
    passages_min_probability: float
    why: str
    candidates: list[CandidateView] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"question": self.question, "parsed": self.parsed, "status": self.status,
                "confidence": round(self.confidence, 4),
                "min_confidence": round(self.min_confidence, 4),
                "passages_min_probability": self.passages_min_probability, "why": self.why,
                "answer": self.answer.to_dict(),
                "candidates": [c.to_dict() for c in self.candidates],
                "steps": [s.to_dict() for s in self.steps],
                "scorers": {s.name: s.description for s in SCORERS}}

    def to_text(self) -> str:
        lines = [f"Decision: {self.why}",
                 f"Question read as: kind={self.parsed.get('kind')}, "
                 f"measure={self.parsed.get('measure')}, subject="
                 f"{' '.join(self.parsed.get('subject') or []) or '-'}, names="
                 f"{', '.join(self.parsed.get('names') or []) or '-'}", "",
                 "Candidates (likeliest first):"]
        for c in self.candidates:
            mark = "*" if c.cited else " "
            lines.append(f"{mark}{c.rank:>2}. p={c.probability:.2f}  (retrieval #"
                         f"{c.retrieval_rank})  {c.source}"
                         + (f" - {c.section}" if c.section else ""))
            lines.append(f"      \"{_short(c.quote, 160)}\"")
            pushes = sorted(c.contributions.items(), key=lambda kv: -abs(kv[1]))[:5]
            lines.append("      " + ", ".join(
                f"{name} {c.values.get(name, 0.0):+.2f} ({push:+.2f})" for name, push in pushes))
        lines += ["", "Stages:"]
        lines += [f"  {s.stage:<14} {s.seconds * 1000:7.2f} ms  {s.did}" for s in self.steps]
        return "\n".join(lines)


def explanation(answer: Answer, evidence, index, answerer) -> Explanation:
    """An Explanation from an answer, the evidence it was decided on and its answerer."""
    cited = {(c.source, c.start) for c in answer.citations if not c.related}
    order = {h.unit_id: n for n, h in enumerate(evidence.context.hits, start=1)}
    views = []
    for n, s in enumerate(evidence.candidates[:SHOWN], start=1):
        unit = index.units[s.unit_id]
        views.append(CandidateView(
            n, order.get(s.unit_id, 0), unit.source, unit.section, unit.text, s.probability,
            s.logit, s.values, answerer.model.contributions(s.values),
            (unit.source, unit.start) in cited))
    stages = {s.stage: s.did for s in answer.trace}  # a question with parts: the merge decides
    decided = stages.get("parts") or stages.get("decide", "")
    return Explanation(answer.question, evidence.question.to_dict(), answer, answer.status,
                       answer.confidence, answerer.min_confidence,
                       answerer.settings.answer.passages_min_probability, decided, views,
                       list(answer.trace))


def _short(text: str, most: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"
