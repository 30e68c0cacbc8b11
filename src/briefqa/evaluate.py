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


RECALL_AT = (1, 5, 20)


@dataclass
class EvalCase:
    id: str
    question: str
    kind: str
    answers: list[str] = field(default_factory=list)
    support: str | None = None
    source: str | None = None
    section: str | None = None
    category: str | None = None  # figure, list, why, two_document, near_miss, ...
    require_all: bool = False  # every pattern must match (lists, questions with parts)
    supports: list[str] = field(default_factory=list)  # one phrase per part, when there are parts

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
    # Where the supporting sentence ranks among the retrieved candidates (1-based), or None.
    support_rank: int | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(data.pop("case"))
        return data


@dataclass
class EvalReport:
    suite: str
    results: list[EvalResult]
    # Which encoders embedded the index and the questions, on which CPU kernels.
    encoder: dict = field(default_factory=dict)

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
            **{f"recall_at_{k}": round(self.recall(k), 4) for k in RECALL_AT},
            "by_kind": self.by_kind(),
            "by_category": self.by_category(),
            "encoder": self.encoder,
        }

    def by_kind(self) -> dict[str, dict]:
        return self._grouped(lambda r: r.case.kind)

    def by_category(self) -> dict[str, dict]:
        return self._grouped(lambda r: r.case.category or r.case.kind)

    def _grouped(self, key) -> dict[str, dict]:
        groups: dict[str, list[EvalResult]] = {}
        for r in self.results:
            groups.setdefault(key(r), []).append(r)
        return {k: {"questions": len(v), "passed": sum(r.passed for r in v)}
                for k, v in sorted(groups.items())}

    def recall(self, k: int) -> float:
        """Share of answerable questions whose supporting sentence is in the first k
        retrieved candidates."""
        ranked = [r for r in self.answerable if r.case.support]
        return self._share([r.support_rank is not None and r.support_rank <= k for r in ranked])

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
            "| supporting sentence retrieved, top 1 / 5 / 20 | "
            + " / ".join(f"{s[f'recall_at_{k}']:.1%}" for k in RECALL_AT) + " |",
            "| encoder (index / questions, CPU kernels) | "
            + " / ".join(str(self.encoder.get(k, "?")) for k in ("index", "query"))
            + f", {self.encoder.get('kernels', '?')} |",
            "", "| group | passed |", "| --- | --- |",
            *[f"| {k} | {v['passed']} of {v['questions']} |"
              for k, v in self.by_category().items()],
            "", "| id | kind | pass | question | answer | first citation |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for r in self.results:
            cells = [r.case.id, r.case.category or r.case.kind, "✅" if r.passed else "❌",
                     r.case.question, r.answer[:300], r.first_citation[:200]]
            lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def jsonl_lines(path: Path, what: str) -> list[tuple[int, str]]:
    """The numbered lines of a JSON-lines file that hold something (not blank, not a #
    comment); a file that cannot be read is a BriefqaError naming it as `what`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BriefqaError(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
    return [(n, line) for n, line in enumerate(lines, start=1)
            if line.strip() and not line.lstrip().startswith("#")]


def load_suite(path: str | Path) -> list[EvalCase]:
    path = Path(path)
    cases = []
    for number, line in jsonl_lines(path, "suite"):
        try:
            data = json.loads(line)
            case = EvalCase(**{k: data.get(k) for k in EvalCase.__dataclass_fields__
                               if k in data})
            case.answers = list(case.answers or [])
            case.supports = list(case.supports or [])
            case.require_all = bool(case.require_all)
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


def judge(case: EvalCase, answer: Answer, source_text,
          support_rank: int | None = None) -> EvalResult:
    verbatim = all(source_text(c.source)[c.start:c.end] == c.quote for c in answer.citations)
    cited = [" ".join(c.quote.split()).lower() for c in answer.citations if not c.related]
    # Every part's phrase must be cited where the question has parts, else the one phrase.
    phrases = [" ".join(p.split()).lower() for p in (case.supports or [case.support or ""])]
    support_cited = all(phrases) and all(any(p in q for q in cited) for p in phrases)
    found = [re.search(p, answer.text, re.I) is not None for p in case.answers]
    correct = answer.grounded and bool(found) and (all(found) if case.require_all
                                                   else any(found))
    passed = correct if case.answerable else not answer.grounded
    first = ""
    if answer.citations:
        c = answer.citations[0]
        first = f"{c.source}{f' p.{c.page}' if c.page else ''}: {c.quote}"
    return EvalResult(case, passed, answer.grounded, correct, verbatim, support_cited,
                      answer.text, first, answer.seconds, support_rank)


def support_rank(assistant, case: EvalCase) -> int | None:
    """Where the first unit holding the case's support phrase ranks among the candidates."""
    if not case.support:
        return None
    phrase = " ".join(case.support.split()).lower()
    for rank, hit in enumerate(assistant.retrieve(case.question), start=1):
        unit = assistant.index.units[hit.unit_id]
        if (case.source is None or unit.source.endswith(case.source)) and \
                phrase in " ".join(unit.text.split()).lower():
            return rank
    return None


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
        results.append(judge(case, answer, assistant.source_text, support_rank(assistant, case)))
    return EvalReport(str(suite), results, assistant.encoder_record())
