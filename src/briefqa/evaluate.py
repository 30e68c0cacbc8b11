"""Evaluate: run a fact-check suite against the assistant and report accuracy and citations."""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .answer import Answer
from .errors import BriefqaError

UNANSWERABLE = "unanswerable"


@dataclass
class EvalCase:
    id: str
    question: str
    kind: str
    answers: list[str] = field(default_factory=list)
    support: str | None = None
    source: str | None = None
    section: str | None = None

    @property
    def answerable(self) -> bool:
        return self.kind != UNANSWERABLE


@dataclass
class EvalResult:
    case: EvalCase
    passed: bool
    grounded: bool
    answer_correct: bool
    citations_verbatim: bool
    support_cited: bool
    answer: str
    first_citation: str
    seconds: float

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(data.pop("case"))
        return data


@dataclass
class EvalReport:
    suite: str
    results: list[EvalResult]

    def _share(self, flags: list[bool]) -> float:
        return sum(flags) / len(flags) if flags else 1.0

    @property
    def answerable(self) -> list[EvalResult]:
        return [r for r in self.results if r.case.answerable]

    @property
    def answer_accuracy(self) -> float:
        return self._share([r.passed for r in self.answerable])

    @property
    def verbatim_citations(self) -> float:
        return self._share([r.citations_verbatim for r in self.results])

    @property
    def citation_precision(self) -> float:
        """Answered questions whose citations are verbatim and include the supporting phrase."""
        answered = [r for r in self.answerable if r.grounded]
        return self._share([r.citations_verbatim and r.support_cited for r in answered])

    @property
    def abstention_accuracy(self) -> float:
        return self._share([r.passed for r in self.results if not r.case.answerable])

    @property
    def false_abstentions(self) -> int:
        return sum(1 for r in self.answerable if not r.grounded)

    def latency(self, quantile: float) -> float:
        times = sorted(r.seconds for r in self.results)
        if not times:
            return 0.0
        if len(times) == 1:
            return times[0]
        return statistics.quantiles(times, n=100, method="inclusive")[int(quantile * 100) - 1]

    def summary(self) -> dict:
        return {
            "suite": self.suite, "questions": len(self.results),
            "answerable": len(self.answerable),
            "unanswerable": len(self.results) - len(self.answerable),
            "answer_accuracy": round(self.answer_accuracy, 4),
            "citation_precision": round(self.citation_precision, 4),
            "verbatim_citations": round(self.verbatim_citations, 4),
            "abstention_accuracy": round(self.abstention_accuracy, 4),
            "false_abstentions": self.false_abstentions,
            "latency_p50_ms": round(self.latency(0.5) * 1000, 1),
            "latency_p95_ms": round(self.latency(0.95) * 1000, 1),
            "by_kind": self.by_kind(),
        }

    def by_kind(self) -> dict[str, dict]:
        kinds: dict[str, list[EvalResult]] = {}
        for r in self.results:
            kinds.setdefault(r.case.kind, []).append(r)
        return {k: {"questions": len(v), "passed": sum(r.passed for r in v)}
                for k, v in sorted(kinds.items())}

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "results": [r.to_dict() for r in self.results]}

    def to_markdown(self) -> str:
        s = self.summary()
        lines = [
            f"# briefqa evaluation: {Path(self.suite).name}", "",
            f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
            f"{s['questions']} questions ({s['answerable']} answerable, "
            f"{s['unanswerable']} unanswerable).", "",
            "| measure | value |", "| --- | --- |",
            f"| answer accuracy | {s['answer_accuracy']:.1%} |",
            f"| citation precision (verbatim and supporting) | {s['citation_precision']:.1%} |",
            f"| verbatim citations | {s['verbatim_citations']:.1%} |",
            f"| abstention accuracy | {s['abstention_accuracy']:.1%} |",
            f"| latency p50 / p95 | {s['latency_p50_ms']:.0f} ms / {s['latency_p95_ms']:.0f} ms |",
            "", "| id | kind | pass | question | answer | first citation |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for r in self.results:
            cells = [r.case.id, r.case.kind, "✅" if r.passed else "❌", r.case.question,
                     r.answer[:300], r.first_citation[:200]]
            lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def load_suite(path: str | Path) -> list[EvalCase]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BriefqaError(f"cannot read the suite {path}: {exc.strerror or exc}") from exc
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(line)
            case = EvalCase(**{k: data.get(k) for k in EvalCase.__dataclass_fields__
                               if k in data})
            case.answers = list(case.answers or [])
            for pattern in case.answers:
                re.compile(pattern)
            if not case.question or not case.kind:
                raise ValueError("needs 'question' and 'kind'")
        except (ValueError, TypeError, re.error) as exc:
            raise BriefqaError(f"{path}:{number}: not a valid suite line ({exc})") from exc
        cases.append(case)
    if not cases:
        raise BriefqaError(f"{path}: the suite has no questions")
    return cases


def judge(case: EvalCase, answer: Answer, source_text) -> EvalResult:
    support = " ".join((case.support or "").split()).lower()
    verbatim = all(source_text(c.source)[c.start:c.end] == c.quote for c in answer.citations)
    cited = [c for c in answer.citations if not c.related]
    support_cited = bool(support) and any(
        support in " ".join(c.quote.split()).lower() for c in cited)
    correct = answer.grounded and any(re.search(p, answer.text, re.I) for p in case.answers)
    passed = correct if case.answerable else not answer.grounded
    first = ""
    if answer.citations:
        c = answer.citations[0]
        first = f"{c.source}{f' p.{c.page}' if c.page else ''}: {c.quote}"
    return EvalResult(case, passed, answer.grounded, correct, verbatim, support_cited,
                      answer.text, first, answer.seconds)


def run_suite(assistant, suite: str | Path, progress: bool = False) -> EvalReport:
    cases = load_suite(suite)
    results = []
    iterator = cases
    if progress:
        from tqdm import tqdm

        iterator = tqdm(cases, desc="evaluating", unit="question", leave=False)
    assistant.ask("warm-up question")  # first-call costs are start-up, not answer latency
    for case in iterator:
        answer = assistant.ask(case.question)
        results.append(judge(case, answer, assistant.source_text))
    return EvalReport(str(suite), results)
