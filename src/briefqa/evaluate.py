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
    # Computed questions: the rows the answer rests on, each {"source": ..., "cell": ...} (a
    # cell of the row, as its document writes it), and how the answer is computed (words).
    rows: list[dict] = field(default_factory=list)
    computation: str | None = None

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
    status: str = ""  # "answered" (asserted), "passages" or "not_found"
    confidence: float = 0.0
    # The answer briefqa would assert at any confidence (its threshold set to 0): right or
    # not, with its confidence. The risk-coverage curve and the calibration read these.
    forced_right: bool = False
    forced_confidence: float = 0.0
    short: str | None = None  # the short answer, when one was given
    short_right: bool | None = None  # does it match one of the answer patterns?
    rows_cited: int = 0  # of the case's `rows`, those whose cell a cited quote of that source
    mode: str = ""  # which Answerer answered ("extractive", "computed", "llm")

    @property
    def asserted(self) -> bool:
        return self.status == "answered"

    @property
    def right(self) -> bool:
        """An asserted answer that is right (asserting an unanswerable question is wrong)."""
        return self.asserted and self.case.answerable and self.answer_correct

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
    def rows_cited(self) -> float:
        """Of the rows computed answers rest on (the cases' `rows`), the share whose cell
        appears in a cited quote of that row's source."""
        return self._rows_cited(self.results)

    def _rows_cited(self, results: list[EvalResult]) -> float:
        total = sum(len(r.case.rows) for r in results)
        return sum(r.rows_cited for r in results) / total if total else 1.0

    @property
    def false_abstentions(self) -> int:
        return sum(1 for r in self.answerable if not r.grounded)

    @property
    def asserted(self) -> list[EvalResult]:
        return [r for r in self.results if r.asserted]

    @property
    def precision(self) -> float:
        """Right ÷ asserted: an asserted answer to an unanswerable question counts as wrong."""
        return self._share([r.right for r in self.asserted])

    @property
    def coverage(self) -> float:
        """Right ÷ answerable."""
        return self._share([r.right for r in self.answerable])

    @property
    def short_precision(self) -> float:
        """Of the asserted answers with a short answer, the share whose short answer matches
        one of the question's answer patterns."""
        return self._share([bool(r.short_right) for r in self.asserted
                            if r.short is not None and r.case.answerable])

    def risk_coverage(self) -> list[dict]:
        """Precision and coverage of the answers briefqa would assert at each confidence
        threshold (every distinct forced confidence), from the most confident down."""
        ranked = sorted(self.results, key=lambda r: -r.forced_confidence)
        answerable = max(1, len(self.answerable))
        points, right = [], 0
        for n, r in enumerate(ranked, start=1):
            right += r.case.answerable and r.forced_right
            if n == len(ranked) or ranked[n].forced_confidence != r.forced_confidence:
                points.append({"threshold": round(r.forced_confidence, 4), "asserted": n,
                               "precision": round(right / n, 4),
                               "coverage": round(right / answerable, 4)})
        return points

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
            "asserted": len(self.asserted),
            "precision": round(self.precision, 4),
            "coverage": round(self.coverage, 4),
            "passages": sum(r.status == "passages" for r in self.results),
            "short_answers": sum(r.short is not None for r in self.asserted),
            "short_precision": round(self.short_precision, 4),
            "citation_precision": round(self.citation_precision, 4),
            "verbatim_citations": round(self.verbatim_citations, 4),
            "abstention_accuracy": round(self.abstention_accuracy, 4),
            "false_abstentions": self.false_abstentions,
            "latency_p50_ms": round(self.latency(0.5) * 1000, 1),
            "latency_p95_ms": round(self.latency(0.95) * 1000, 1),
            **{f"recall_at_{k}": round(self.recall(k), 4) for k in RECALL_AT},
            **({"rows": sum(len(r.case.rows) for r in self.results),
                "rows_cited": round(self.rows_cited, 4),
                "computed": sum(r.mode == "computed" for r in self.results)}
               if any(r.case.rows for r in self.results) else {}),
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
        return {k: {"questions": len(v), "passed": sum(r.passed for r in v),
                    "asserted": sum(r.asserted for r in v), "right": sum(r.right for r in v),
                    **({"rows": sum(len(r.case.rows) for r in v),
                        "rows_cited": round(self._rows_cited(v), 4)}
                       if any(r.case.rows for r in v) else {})}
                for k, v in sorted(groups.items())}

    def recall(self, k: int) -> float:
        """Share of answerable questions whose supporting sentence is in the first k
        retrieved candidates."""
        ranked = [r for r in self.answerable if r.case.support]
        return self._share([r.support_rank is not None and r.support_rank <= k for r in ranked])

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "risk_coverage": self.risk_coverage(),
                "results": [r.to_dict() for r in self.results]}

    def plot(self, path: str | Path) -> None:
        """The risk-coverage curve as a PNG: precision of asserted answers against coverage,
        one point per confidence threshold, the shipped threshold marked."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        points = self.risk_coverage()
        fig, ax = plt.subplots(figsize=(5.5, 4), dpi=110)
        ax.plot([p["coverage"] for p in points], [p["precision"] for p in points], lw=1.6,
                label="every threshold")
        ax.scatter([self.coverage], [self.precision], color="crimson", zorder=3,
                   label=f"shipped threshold: {self.precision:.0%} precise, "
                         f"{self.coverage:.0%} covered")
        ax.axhline(0.9, color="grey", lw=0.8, ls="--")
        ax.set_xlabel("coverage (right ÷ answerable)")
        ax.set_ylabel("precision (right ÷ asserted)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_title(Path(self.suite).name, fontsize=10)
        ax.legend(loc="lower left", fontsize=8)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)

    def to_markdown(self) -> str:
        s = self.summary()
        lines = [
            f"# briefqa evaluation: {Path(self.suite).name}", "",
            f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on "
            f"{s['questions']} questions ({s['answerable']} answerable, "
            f"{s['unanswerable']} unanswerable).", "",
            "| measure | value |", "| --- | --- |",
            f"| precision of asserted answers (right ÷ asserted) | {s['precision']:.1%} "
            f"({s['asserted']} asserted) |",
            f"| coverage (right ÷ answerable) | {s['coverage']:.1%} |",
            f"| short answers right | {s['short_precision']:.1%} of {s['short_answers']} |",
            f"| answer accuracy | {s['answer_accuracy']:.1%} |",
            f"| citation precision (verbatim and supporting) | {s['citation_precision']:.1%} |",
            f"| verbatim citations | {s['verbatim_citations']:.1%} |",
            f"| abstention accuracy | {s['abstention_accuracy']:.1%} |",
            *([f"| rows cited (computed answers' rows whose cell a cited quote holds) | "
               f"{s['rows_cited']:.1%} of {s['rows']} |"] if "rows" in s else []),
            f"| latency p50 / p95 | {s['latency_p50_ms']:.0f} ms / {s['latency_p95_ms']:.0f} ms |",
            "| supporting sentence retrieved, top 1 / 5 / 20 | "
            + " / ".join(f"{s[f'recall_at_{k}']:.1%}" for k in RECALL_AT) + " |",
            "| encoder (index / questions, CPU kernels) | "
            + " / ".join(str(self.encoder.get(k, "?")) for k in ("index", "query"))
            + f", {self.encoder.get('kernels', '?')} |",
            "", "| group | passed | asserted | right |", "| --- | --- | --- | --- |",
            *[f"| {k} | {v['passed']} of {v['questions']} | {v['asserted']} | {v['right']} |"
              for k, v in self.by_category().items()],
            "", "| id | kind | pass | reply | confidence | question | answer | first citation |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in self.results:
            cells = [r.case.id, r.case.category or r.case.kind, "✅" if r.passed else "❌",
                     r.status, f"{r.confidence:.2f}", r.case.question, r.answer[:300],
                     r.first_citation[:200]]
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
            case.rows = [r for r in (case.rows or []) if isinstance(r, dict)
                         and isinstance(r.get("source"), str) and isinstance(r.get("cell"), str)]
            if case.computation is not None and not isinstance(case.computation, str):
                case.computation = str(case.computation)
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


def _matches(case: EvalCase, text: str) -> bool:
    found = [re.search(p, text, re.I) is not None for p in case.answers]
    return bool(found) and (all(found) if case.require_all else any(found))


def judge(case: EvalCase, answer: Answer, source_text, support_rank: int | None = None,
          forced: Answer | None = None) -> EvalResult:
    verbatim = all(source_text(c.source)[c.start:c.end] == c.quote for c in answer.citations)
    cited = [" ".join(c.quote.split()).lower() for c in answer.citations if not c.related]
    # Every part's phrase must be cited where the question has parts, else the one phrase.
    phrases = [" ".join(p.split()).lower() for p in (case.supports or [case.support or ""])]
    support_cited = all(phrases) and all(any(p in q for q in cited) for p in phrases)
    correct = answer.grounded and _matches(case, answer.text)
    passed = correct if case.answerable else not answer.grounded
    first = ""
    if answer.citations:
        c = answer.citations[0]
        first = f"{c.source}{f' p.{c.page}' if c.page else ''}: {c.quote}"
    forced = forced or answer
    short = answer.short.text if answer.short else None
    quotes = [(c.source, " ".join(c.quote.split()).lower()) for c in answer.citations
              if not c.related] if answer.grounded else []
    rows_cited = sum(1 for row in case.rows if any(
        source.endswith(row["source"]) and " ".join(row["cell"].split()).lower() in quote
        for source, quote in quotes))
    return EvalResult(case, passed, answer.grounded, correct, verbatim, support_cited,
                      answer.text, first, answer.seconds, support_rank, answer.status,
                      answer.confidence,
                      forced.grounded and case.answerable and _matches(case, forced.text),
                      forced.confidence, short,
                      None if short is None else any(re.search(p, short, re.I)
                                                     for p in case.answers),
                      rows_cited, answer.mode)


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
    forced = assistant.forced_answerer()
    for case in iterator:
        answer = assistant.ask(case.question)
        # An extractive answer already asserted is what the threshold at 0 gives too.
        same = answer.status == "answered" and answer.mode == "extractive"
        would = assistant.ask(case.question, answerer=forced) if forced and not same \
            else answer
        results.append(judge(case, answer, assistant.source_text, support_rank(assistant, case),
                             would))
    return EvalReport(str(suite), results, assistant.encoder_record())
